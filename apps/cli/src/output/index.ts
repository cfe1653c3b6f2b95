import { JsonlOutput } from "./jsonl.js";
import type { Output, OutputStreams } from "./output.js";
import { PrettyOutput } from "./pretty.js";
import { SummaryOutput } from "./summary.js";

export const OUTPUT_FORMATS = ["jsonl", "pretty", "summary"] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

export function createOutput(format: OutputFormat, streams: OutputStreams): Output {
  switch (format) {
    case "jsonl":
      return new JsonlOutput(streams);
    case "pretty":
      return new PrettyOutput(streams);
    case "summary":
      return new SummaryOutput(streams);
  }
}

export type { Output, OutputStreams, RunReport } from "./output.js";
