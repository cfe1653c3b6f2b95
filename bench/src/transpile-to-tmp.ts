import { mkdir, readFile, writeFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import ts from "typescript";

const SOURCE_ROOT = new URL("./", import.meta.url);
const OUT_ROOT = new URL("../.tmp/js/", import.meta.url);

/**
 * Transpiles files of bench/src (paths relative to it, e.g. "k8s/contender.ts") to plain
 * JavaScript under `bench/.tmp/js/`, mirroring their folders so that their relative imports of
 * each other still resolve; returns the output paths in the same order. The output sits inside
 * the bench package so that bare imports resolve through bench/node_modules; `.tmp/` is
 * git-ignored. Plain JavaScript keeps a loader (tsx, whose thread adds ~30 MB of RSS) out of the
 * measured child processes, which must therefore import nothing local that is not listed here.
 */
export async function transpileToTmp(files: string[]): Promise<string[]> {
  return Promise.all(files.map(transpileOne));
}

async function transpileOne(file: string): Promise<string> {
  const source = new URL(file, SOURCE_ROOT);
  const fileName = fileURLToPath(source);
  const { outputText, diagnostics } = ts.transpileModule(await readFile(source, "utf8"), {
    fileName,
    reportDiagnostics: true,
    compilerOptions: { module: ts.ModuleKind.ES2022, target: ts.ScriptTarget.ES2022 },
  });
  if (diagnostics?.length) {
    throw new Error(`${fileName}: ${ts.flattenDiagnosticMessageText(diagnostics[0]!.messageText, "\n")}`);
  }
  const outFile = new URL(file.replace(/\.ts$/, ".js"), OUT_ROOT);
  await mkdir(new URL("./", outFile), { recursive: true });
  await writeFile(outFile, outputText);
  return fileURLToPath(outFile);
}
