import { describe, expect, it } from "vitest";
import {
  BackendNotInstalledError,
  createDatastoreClient,
  type DatastoreClient,
  DatastoreError,
} from "./index.js";

const fakeClient = { list: async () => ({ kvPairs: [], revision: "1" }) } as unknown as DatastoreClient;

describe("createDatastoreClient", () => {
  it("loads the backend package for the type and passes its options", async () => {
    const requested: string[] = [];
    let received: unknown;
    const client = await createDatastoreClient(
      { type: "etcd", options: { endpoints: ["127.0.0.1:2379"] } },
      {
        importModule: async (name) => {
          requested.push(name);
          return {
            createDatastoreClient: (options: unknown) => {
              received = options;
              return fakeClient;
            },
          };
        },
      },
    );
    expect(client).toBe(fakeClient);
    expect(requested).toEqual(["@watchersyncer/backend-etcd"]);
    expect(received).toEqual({ endpoints: ["127.0.0.1:2379"] });
  });

  it("maps k8s and kubernetes to the Kubernetes backend, and honours a third-party module", async () => {
    const requested: string[] = [];
    const importModule = async (name: string) => {
      requested.push(name);
      return { createDatastoreClient: () => fakeClient };
    };
    await createDatastoreClient({ type: "k8s" }, { importModule });
    await createDatastoreClient({ type: "kubernetes" }, { importModule });
    await createDatastoreClient({ type: "consul", module: "watchersyncer-consul" }, { importModule });
    expect(requested).toEqual([
      "@watchersyncer/backend-k8s",
      "@watchersyncer/backend-k8s",
      "watchersyncer-consul",
    ]);
  });

  it("names the package to install when the backend is missing", async () => {
    const missing = Object.assign(new Error("Cannot find package '@watchersyncer/backend-etcd'"), {
      code: "ERR_MODULE_NOT_FOUND",
    });
    const attempt = createDatastoreClient({ type: "etcd" }, { importModule: () => Promise.reject(missing) });
    await expect(attempt).rejects.toBeInstanceOf(BackendNotInstalledError);
    await expect(attempt).rejects.toThrow(/npm install @watchersyncer\/backend-etcd/);
  });

  it("really fails to import a package that is not installed, with the install hint", async () => {
    await expect(
      createDatastoreClient({ type: "nope", module: "@watchersyncer/backend-does-not-exist" }),
    ).rejects.toThrow(/install it \(npm install @watchersyncer\/backend-does-not-exist\)/);
  });

  it("rejects an unknown type and a package that is not a backend", async () => {
    await expect(createDatastoreClient({ type: "zookeeper" })).rejects.toThrow(
      /unknown backend type "zookeeper"/,
    );
    await expect(
      createDatastoreClient({ type: "memory" }, { importModule: async () => ({}) }),
    ).rejects.toThrow(/does not export createDatastoreClient/);
    const other = new TypeError("boom inside the backend");
    await expect(
      createDatastoreClient({ type: "memory" }, { importModule: () => Promise.reject(other) }),
    ).rejects.toBe(other);
    expect(DatastoreError.is(new BackendNotInstalledError("etcd", "x"))).toBe(true);
    expect(BackendNotInstalledError.is(new DatastoreError("x"))).toBe(false);
  });
});

describe("createDatastoreClient: recognising a missing package", () => {
  const hint = /install it \(npm install @watchersyncer\/backend-memory\)/;

  it("by CommonJS's code, by message alone, and not for other failures", async () => {
    const byCode = Object.assign(new Error("whatever"), { code: "MODULE_NOT_FOUND" });
    const byMessage = new Error('Could not resolve "@watchersyncer/backend-memory"');
    const unrelated = new Error("Cannot find the config file /etc/x.json");
    const attempt = (err: unknown) =>
      createDatastoreClient({ type: "memory" }, { importModule: () => Promise.reject(err) });
    await expect(attempt(byCode)).rejects.toThrow(hint);
    await expect(attempt(byMessage)).rejects.toThrow(hint);
    await expect(attempt(unrelated)).rejects.toBe(unrelated);
    await expect(attempt("a string, not an Error")).rejects.toBe("a string, not an Error");
  });

  it("the error names the backend and the package, and is branded", async () => {
    const err = new BackendNotInstalledError("etcd", "@watchersyncer/backend-etcd", { cause: "x" });
    expect(err.name).toBe("BackendNotInstalledError");
    expect(err.backendType).toBe("etcd");
    expect(err.packageName).toBe("@watchersyncer/backend-etcd");
    expect(err.cause).toBe("x");
    class Foreign extends Error {}
    Object.defineProperty(
      Foreign.prototype,
      Symbol.for("@watchersyncer/core/error/BackendNotInstalledError"),
      {
        value: true,
      },
    );
    expect(BackendNotInstalledError.is(new Foreign())).toBe(true);
  });

  it("passes empty options when the config has none, and lists the known types for an unknown one", async () => {
    let received: unknown;
    await createDatastoreClient(
      { type: "memory" },
      {
        importModule: async () => ({
          createDatastoreClient: (options: unknown) => {
            received = options;
            return fakeClient;
          },
        }),
      },
    );
    expect(received).toEqual({});
    await expect(createDatastoreClient({ type: "zookeeper" })).rejects.toThrow(
      /memory, etcd, k8s, kubernetes/,
    );
  });

  it("recognises a missing package by its error code alone, and keeps the cause", async () => {
    for (const code of ["ERR_MODULE_NOT_FOUND", "MODULE_NOT_FOUND"]) {
      const missing = Object.assign(new Error("no luck"), { code });
      const attempt = createDatastoreClient(
        { type: "etcd" },
        { importModule: () => Promise.reject(missing) },
      );
      await expect(attempt).rejects.toBeInstanceOf(BackendNotInstalledError);
      await expect(attempt).rejects.toMatchObject({ cause: missing });
    }
  });

  it("passes on a failure that is not even an object", async () => {
    const attempt = createDatastoreClient({ type: "etcd" }, { importModule: () => Promise.reject(null) });
    await expect(attempt).rejects.toBeNull();
  });
});
