import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type {} from "vitest";
import type { TestProject } from "vitest/node";
import { EtcdServer, ensureEtcdInstalled, killRegisteredServers, usePidRegistry } from "./etcd-server.js";

declare module "vitest" {
  export interface ProvidedContext {
    etcdEndpoint: string;
  }
}

let server: EtcdServer | undefined;
let pidDir: string | undefined;

/** One shared etcd for the tests that need no server of their own. */
export async function setup(project: TestProject): Promise<void> {
  ensureEtcdInstalled();
  pidDir = mkdtempSync(join(tmpdir(), "watchersyncer-etcd-pids-"));
  usePidRegistry(pidDir);
  server = await EtcdServer.start();
  project.provide("etcdEndpoint", server.endpoint);
}

export async function teardown(): Promise<void> {
  await server?.stop();
  if (pidDir !== undefined) {
    const leftovers = killRegisteredServers(pidDir);
    rmSync(pidDir, { recursive: true, force: true });
    if (leftovers > 0) console.warn(`killed ${leftovers} etcd server(s) that a test file left running`);
  }
}
