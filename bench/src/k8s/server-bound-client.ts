/**
 * The server-set bound of the k8s benchmark: the least a client can take to read every page of a
 * list from this server. It asks for the same pages as ours (same limit, same path), finds each
 * page's continue token with a string scan of the body's head (a list's metadata precedes its
 * items), asks for the next page right then — as ours does, so that ours cannot beat its "bound" by
 * reading ahead — and discards every byte without decoding it. What is left is the server's time to
 * encode and send the pages plus the network: a time no client of this server can go below.
 *
 * Transpiled with contender.ts (see compile-contender.ts), so it imports nothing local.
 */
import http, { type IncomingMessage } from "node:http";

/** Where in a page's head the continue token ends being possible: its items have begun. */
const ITEMS_KEY = '"items"';
const CONTINUE = /"continue":("(?:[^"\\]|\\.)*")/;

/** The `server:` of a kubeconfig the k8s test server wrote (plain HTTP, any bearer token). */
export function serverOfKubeconfig(kubeconfig: string): { url: string; token: string } {
  const server = /^\s*server:\s*(.+)$/m.exec(kubeconfig)?.[1];
  const token = /^\s*token:\s*(.+)$/m.exec(kubeconfig)?.[1] ?? "";
  if (server === undefined) throw new Error("kubeconfig has no server");
  return { url: JSON.parse(server) as string, token: token.trim() };
}

/**
 * Reads every page of `collectionPath` at `pageSize` items a page; resolves with the number of
 * pages read. Fails on any status other than 200.
 */
export async function readEveryPage(
  server: { url: string; token: string },
  collectionPath: string,
  pageSize: number,
  onBody?: (body: Buffer) => void,
): Promise<number> {
  const agent = new http.Agent({ keepAlive: true });
  const get = (token: string | undefined): Promise<IncomingMessage> => {
    const query = new URLSearchParams({ limit: String(pageSize) });
    if (token !== undefined) query.set("continue", token);
    const url = new URL(`${collectionPath}?${query}`, server.url);
    return new Promise((resolve, reject) => {
      const request = http.get(
        url,
        { agent, headers: { accept: "application/json", authorization: `Bearer ${server.token}` } },
        resolve,
      );
      request.on("error", reject);
    });
  };
  try {
    let response = get(undefined);
    for (let pages = 1; ; pages++) {
      let next: Promise<IncomingMessage> | undefined;
      await drainPage(
        await response,
        (token) => {
          next = get(token);
          // Read (or failed) when its turn comes; until then nobody's error.
          next.catch(() => {});
        },
        onBody,
      );
      if (next === undefined) return pages;
      response = next;
    }
  } finally {
    agent.destroy();
  }
}

/**
 * Reads a page to its end, calling `onToken` once its head showed a continue token, and `onBody`
 * (if given) with the whole body at the end; without it the bytes are dropped as they come.
 */
async function drainPage(
  response: IncomingMessage,
  onToken: (token: string) => void,
  onBody?: (body: Buffer) => void,
): Promise<void> {
  if (response.statusCode !== 200) throw new Error(`list page answered ${response.statusCode}`);
  let head: string | undefined = "";
  const chunks: Buffer[] = [];
  for await (const chunk of response as AsyncIterable<Buffer>) {
    if (onBody !== undefined) chunks.push(chunk);
    if (head === undefined) continue;
    head += chunk.toString("latin1");
    const token = CONTINUE.exec(head)?.[1];
    if (token !== undefined) {
      onToken(JSON.parse(token) as string);
      head = undefined;
    } else if (head.includes(ITEMS_KEY)) {
      head = undefined;
    }
  }
  onBody?.(Buffer.concat(chunks));
}
