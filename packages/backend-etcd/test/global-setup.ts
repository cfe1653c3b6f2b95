import type {} from "vitest";
import type { TestProject } from "vitest/node";
import { EtcdServer, ensureEtcdInstalled } from "./etcd-server.js";

declare module "vitest" {
  export interface ProvidedContext {
    etcdEndpoint: string;
  }
}

let server: EtcdServer | undefined;

/** One shared etcd for the tests that need no server of their own. */
export async function setup(project: TestProject): Promise<void> {
  ensureEtcdInstalled();
  server = await EtcdServer.start();
  project.provide("etcdEndpoint", server.endpoint);
}

export async function teardown(): Promise<void> {
  await server?.stop();
}
