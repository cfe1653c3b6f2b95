import type { CliIo } from "../src/support/io.js";

export interface Captured {
  io: CliIo;
  stdout: () => string;
  stderr: () => string;
}

/** An `io` whose streams collect into strings; `isTTY` false, like a pipe. */
export function captureIo(options: { env?: Record<string, string>; signal?: AbortSignal } = {}): Captured {
  const out: string[] = [];
  const err: string[] = [];
  return {
    io: {
      stdout: { write: (chunk: string) => out.push(chunk), isTTY: false },
      stderr: { write: (chunk: string) => err.push(chunk), isTTY: false },
      env: options.env ?? {},
      ...(options.signal === undefined ? {} : { signal: options.signal }),
    },
    stdout: () => out.join(""),
    stderr: () => err.join(""),
  };
}

export function lines(text: string): string[] {
  return text.split("\n").filter((line) => line !== "");
}
