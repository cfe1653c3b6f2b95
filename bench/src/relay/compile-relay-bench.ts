import { transpileToTmp } from "../transpile-to-tmp.js";

/** Transpiles the relay benchmark's two child processes (and what they import); returns their scripts. */
export async function compileRelayBench(): Promise<{ upstream: string; load: string }> {
  const [upstream, load] = await transpileToTmp([
    "relay/process/upstream-process.ts",
    "relay/process/load-process.ts",
    "relay/process/upstream-protocol.ts",
    "relay/process/load-protocol.ts",
    "relay/process/relay-pod.ts",
    "relay/process/watch-client.ts",
    "relay/process/client-view.ts",
    "relay/process/write-latency.ts",
    "relay/process/hostile-connections.ts",
    "child-side.ts",
  ]);
  return { upstream: upstream!, load: load! };
}
