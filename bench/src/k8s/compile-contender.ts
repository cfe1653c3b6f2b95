import { transpileToTmp } from "../transpile-to-tmp.js";

/** Transpiles contender.ts (and what it imports) to plain JavaScript; returns the contender's path. */
export async function compileContender(): Promise<string> {
  const [contender] = await transpileToTmp([
    "k8s/contender.ts",
    "k8s/server-bound-client.ts",
    "child-side.ts",
  ]);
  return contender!;
}
