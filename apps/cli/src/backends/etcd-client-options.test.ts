import { describe, expect, it } from "vitest";
import { useScratchFiles } from "../../test/scratch-files.js";
import { NO_CONNECTION_ARGS } from "./connection-flags.js";
import { etcdClientOptions } from "./etcd-client-options.js";

const PASSWORD = "s3cret-Pa55";
const scratch = useScratchFiles("options");
const passwordFile = scratch.file;

describe("etcdClientOptions: flags win over ETCD_* one by one", () => {
  it("every field, one by one", async () => {
    const env = {
      ETCD_ENDPOINTS: "http://env:2379",
      ETCD_CA_CERT_FILE: "/env/ca.pem",
      ETCD_CERT_FILE: "/env/cert.pem",
      ETCD_KEY_FILE: "/env/key.pem",
      ETCD_USERNAME: "env-user",
      ETCD_PASSWORD: "env-password",
    };
    const warn = () => {};
    const flags = {
      ...NO_CONNECTION_ARGS,
      endpoints: ["http://flag:2379"],
      cacert: "/flag/ca.pem",
      user: "flag-user",
    };
    expect(await etcdClientOptions({ flags, env, warn })).toEqual({
      endpoints: ["http://flag:2379"],
      tls: { caFile: "/flag/ca.pem", certFile: "/env/cert.pem", keyFile: "/env/key.pem" },
      username: "flag-user",
      password: "env-password",
    });
    const { ETCD_ENDPOINTS: _, ...withoutEndpoints } = env;
    expect(
      await etcdClientOptions({
        flags: { ...NO_CONNECTION_ARGS, endpoints: ["http://flag:2379"] },
        env: withoutEndpoints,
        warn,
      }),
    ).toEqual({
      endpoints: ["http://flag:2379"],
      tls: { caFile: "/env/ca.pem", certFile: "/env/cert.pem", keyFile: "/env/key.pem" },
      username: "env-user",
      password: "env-password",
    });
    const path = passwordFile("env-user", PASSWORD, 0o600);
    expect(
      await etcdClientOptions({
        flags: { ...NO_CONNECTION_ARGS, passwordFile: path },
        env: { ETCD_ENDPOINTS: "http://env:2379", ETCD_USERNAME: "env-user" },
        warn,
      }),
    ).toEqual({ endpoints: ["http://env:2379"], username: "env-user", password: PASSWORD });
  });
});
