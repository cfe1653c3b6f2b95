import { mkdir, readFile, writeFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import ts from "typescript";

/**
 * Transpiles contender.ts to `bench/.tmp/k8s-contender.mjs` and returns its path. The output sits
 * inside the bench package so that its bare imports resolve through bench/node_modules; `.tmp/`
 * is git-ignored. Plain JavaScript keeps a loader (tsx) out of the measured processes.
 */
export async function compileContender(): Promise<string> {
  const source = await readFile(new URL("./contender.ts", import.meta.url), "utf8");
  const { outputText, diagnostics } = ts.transpileModule(source, {
    fileName: "contender.ts",
    reportDiagnostics: true,
    compilerOptions: { module: ts.ModuleKind.ES2022, target: ts.ScriptTarget.ES2022 },
  });
  if (diagnostics?.length) {
    throw new Error(`contender.ts: ${ts.flattenDiagnosticMessageText(diagnostics[0]!.messageText, "\n")}`);
  }
  const outDir = new URL("../../.tmp/", import.meta.url);
  await mkdir(outDir, { recursive: true });
  const outFile = new URL("k8s-contender.mjs", outDir);
  await writeFile(outFile, outputText);
  return fileURLToPath(outFile);
}
