import { ApiError, badRequest } from "./status.js";

/** Where a paged list goes on: the revision its first page was read at and the next key. */
export interface ContinueToken {
  /** The list's revision; a decimal number on the apiserver, any string on a relay. */
  rv: string;
  /** List keys >= start belong to the next page. */
  start: string;
}

function toBase64Url(text: string): string {
  let binary = "";
  for (const byte of new TextEncoder().encode(text)) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function fromBase64Url(text: string): string {
  const binary = atob(text.replace(/-/g, "+").replace(/_/g, "/"));
  const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0));
  return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
}

/** The `continue` value of a list page: opaque to clients, base64url JSON like the apiserver's. */
export function encodeContinue(token: ContinueToken): string {
  // A decimal revision is written as a number, as the apiserver writes it.
  const rv = /^\d+$/.test(token.rv) && Number.isSafeInteger(Number(token.rv)) ? Number(token.rv) : token.rv;
  return toBase64Url(JSON.stringify({ v: "meta.k8s.io/v1", rv, start: token.start }));
}

/** The token in a `continue` parameter, or a 400 ApiError as the apiserver answers a bad one. */
export function decodeContinue(text: string): ContinueToken {
  try {
    const parsed = JSON.parse(fromBase64Url(text)) as Record<string, unknown>;
    const { rv, start } = parsed;
    if (parsed.v === "meta.k8s.io/v1" && (typeof rv === "number" || typeof rv === "string")) {
      if (typeof start === "string") return { rv: String(rv), start };
    }
  } catch {
    // falls through to the 400 below
  }
  throw new ApiError(
    badRequest("continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)"),
  );
}
