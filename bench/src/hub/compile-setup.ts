import { transpileToTmp } from "../transpile-to-tmp.js";

/** Transpiles the hub benchmark's child process (and what it imports); returns its script's path. */
export async function compileSetup(): Promise<string> {
  const [script] = await transpileToTmp([
    "hub/process/setup-process.ts",
    "hub/process/bench-resources.ts",
    "hub/process/consumer-tally.ts",
    "hub/process/drop-metadata.ts",
    "hub/process/hub-setup.ts",
    "hub/process/syncer-setup.ts",
    "hub/process/informer-setup.ts",
    "hub/process/protocol.ts",
    "child-side.ts",
  ]);
  return script!;
}
