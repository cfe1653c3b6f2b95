/** One line of a watch stream, as the tests read it. */
export interface WatchLine {
  type: string;
  object: { metadata: { name?: string; resourceVersion: string }; code?: number };
}

export type WatchLines = (() => Promise<WatchLine>) & { close: () => Promise<void> };

/** A watch response's lines, read as they come (throws when the stream ends); `close` hangs up. */
export function watchLines(response: Response): WatchLines {
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  const next = async (): Promise<WatchLine> => {
    for (;;) {
      const newline = text.indexOf("\n");
      if (newline >= 0) {
        const line = text.slice(0, newline);
        text = text.slice(newline + 1);
        return JSON.parse(line) as WatchLine;
      }
      const { done, value } = await reader.read();
      if (done) throw new Error("the watch ended");
      text += value;
    }
  };
  return Object.assign(next, { close: () => reader.cancel() });
}
