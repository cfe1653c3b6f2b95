import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureBuilt, runCli, startCli } from "./backend-run.js";

let scratch: string;
let recorder: string;

/** Runs the bin with a module resolve hook that records every module URL it loads into `log`. */
async function loadedModules(args: string[], log: string): Promise<string[]> {
  const run = startCli(args, {
    nodeArgs: ["--import", pathToFileURL(recorder).href],
    env: { MODULE_LOG: log },
  });
  await run.done;
  return readFileSync(log, "utf8").split("\n");
}

beforeAll(() => {
  ensureBuilt();
  scratch = mkdtempSync(join(tmpdir(), "watchersyncer-cli-lazy-"));
  const hooks = join(scratch, "hooks.mjs");
  writeFileSync(
    hooks,
    `import { appendFileSync } from "node:fs";
export async function resolve(specifier, context, next) {
  const resolved = await next(specifier, context);
  appendFileSync(process.env.MODULE_LOG, resolved.url + "\\n");
  return resolved;
}
`,
  );
  recorder = join(scratch, "record.mjs");
  writeFileSync(
    recorder,
    `import { register } from "node:module";\nregister(${JSON.stringify(pathToFileURL(hooks).href)});\n`,
  );
}, 120_000);

afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
});

describe("backends load lazily", () => {
  it("--backend memory loads neither etcd3 nor client-node; --backend etcd and k8s do", async () => {
    const memory = await loadedModules(
      ["watch", "--duration", "0.5", "--output", "summary"],
      join(scratch, "memory.log"),
    );
    expect(memory.some((url) => url.includes("backend-memory"))).toBe(true);
    expect(memory.filter((url) => /etcd3|grpc|client-node|backend-etcd|backend-k8s/.test(url))).toEqual([]);

    // An unknown kind stops each run right after its backend's package is loaded.
    const etcd = await loadedModules(
      ["watch", "--backend", "etcd", "--endpoints", "http://127.0.0.1:1", "--kind", "Nope"],
      join(scratch, "etcd.log"),
    );
    expect(etcd.some((url) => url.includes("/etcd3/"))).toBe(true);
    const k8s = await loadedModules(
      ["watch", "--backend", "k8s", "--kind", "Nope"],
      join(scratch, "k8s.log"),
    );
    expect(k8s.some((url) => url.includes("@kubernetes/client-node"))).toBe(true);
  });

  it("--help names every backend", async () => {
    const result = await runCli(["--help"]);
    expect(result.stdout).toContain("datastore: memory, etcd, k8s");
  });
});
