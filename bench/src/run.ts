import { coreBenchmarks } from "./core-bench.js";
import { coreBenchmarksOnDeno } from "./deno-runner.js";
import { etcdBenchmarks } from "./etcd/etcd-bench.js";
import { memberHangBenchmarks } from "./etcd/member-hang-bench.js";
import { eventSideRunner } from "./event-side-process.js";
import { hubBenchmarks } from "./hub/hub-bench.js";
import { k8sBenchmarks } from "./k8s/k8s-bench.js";
import { printTable } from "./measure.js";
import { relayBenchmarks } from "./relay/relay-bench.js";
import { SCALE_PARTS, type ScalePart, scaleBenchmarks } from "./scale/scale-bench.js";

const quick = process.argv.includes("--quick");
/** `--only core,deno,k8s,hub,relay,etcd` runs just those parts; without it, everything runs. */
const onlyIndex = process.argv.indexOf("--only");
const only = onlyIndex === -1 ? undefined : (process.argv[onlyIndex + 1] ?? "").split(",");
const wanted = (part: string) => !scale && (only === undefined || only.includes(part));

/** `--scale [core,etcd,k8s]` runs the scaling table (all three parts without a list) and nothing else. */
const scaleIndex = process.argv.indexOf("--scale");
const scale = scaleIndex !== -1;
if (scale) {
  const list = process.argv[scaleIndex + 1];
  const parts = list === undefined || list.startsWith("--") ? SCALE_PARTS : (list.split(",") as ScalePart[]);
  const unknown = parts.filter((part) => !SCALE_PARTS.includes(part));
  if (unknown.length > 0) throw new Error(`--scale: unknown part(s) ${unknown.join(", ")}`);
  await scaleBenchmarks(parts, (line) => console.log(line));
}

if (wanted("core")) {
  const runEventSide = eventSideRunner(process.execPath, ["--expose-gc", "--import", "tsx"]);
  const rows = await coreBenchmarks({ quick, runEventSide });
  printTable(
    "@watchersyncer/core over the memory backend",
    "bare Map<key, revision> fed the same list and events",
    rows,
  );
}
if (wanted("deno")) {
  printTable(
    "@watchersyncer/core over the memory backend, on Deno",
    "bare Map<key, revision> fed the same list and events, on the same Deno",
    await coreBenchmarksOnDeno({ quick }),
  );
}
if (wanted("k8s")) await k8sBenchmarks({ quick });
if (wanted("hub")) await hubBenchmarks({ quick });
if (wanted("relay")) await relayBenchmarks({ quick });
if (wanted("etcd")) {
  printTable("@watchersyncer/backend-etcd on a real etcd", "raw etcd3 range / watcher", [
    ...(await etcdBenchmarks({ quick })),
    ...(await memberHangBenchmarks()),
  ]);
}
