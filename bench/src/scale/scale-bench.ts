import { cpus, totalmem } from "node:os";
import { coreScale } from "./core-scale.js";
import { etcdScale } from "./etcd-scale.js";
import { k8sScale } from "./k8s-scale.js";
import { NOISE, type ScaleRow, scaleTableLines } from "./scale-table.js";

export type ScalePart = "core" | "etcd" | "k8s";
export const SCALE_PARTS: ScalePart[] = ["core", "etcd", "k8s"];

/** Library code prints nothing itself; the bench's progress and table go through this. */
export type Print = (line: string) => void;

const PEERS: Record<ScalePart, string> = {
  core: "core: the bare Map<key, revision> fed the same list and events (the rows of the core table)",
  etcd: `etcd: raw etcd3 ranges of the same page size, values decoded (time) / kept as strings (RSS); 300 B values`,
  k8s: "k8s: client-node's informer (InSync, own CPU, RSS) and the server-set bound (InSync; see the k8s table)",
};

/**
 * `pnpm bench -- --scale [core,etcd,k8s]`: how each cost grows from 10k to 1M keys (k8s: 10k to
 * 200k objects), ours against the same peers as the normal tables, with the rows whose ratio worsens
 * with size marked. Prints the table and how long the run took.
 */
export async function scaleBenchmarks(parts: ScalePart[], print: Print): Promise<ScaleRow[]> {
  const started = performance.now();
  const rows: ScaleRow[] = [];
  for (const part of parts) {
    const partStarted = performance.now();
    if (part === "core") rows.push(...(await coreScale()));
    if (part === "etcd") rows.push(...(await etcdScale(print)));
    if (part === "k8s") rows.push(...(await k8sScale(print)));
    print(`scale ${part}: ${((performance.now() - partStarted) / 1000).toFixed(0)} s`);
  }
  const seconds = (performance.now() - started) / 1000;
  print(`\nScaling: how each cost grows with size  (${parts.join(", ")})`);
  for (const part of parts) print(`  peer of ${PEERS[part]}`);
  for (const line of scaleTableLines(rows)) print(line);
  print(
    [
      `  ratio: ours/peer. "ratio vs best smaller": the ratio against the best ratio of the same row at a smaller`,
      `  size, worse (+) or better (-); WORSENS past +${NOISE * 100} %, twice the run-to-run spread of a ratio here.`,
      `  ${cpus().length} x ${cpus()[0]?.model ?? "cpu"}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, ${new Date().toISOString().slice(0, 10)}; took ${seconds.toFixed(0)} s.`,
    ].join("\n"),
  );
  return rows;
}
