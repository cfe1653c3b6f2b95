export interface AcceptClause {
  /** "application/json", lower case. */
  type: string;
  /** Parameters other than q, keys lower case. */
  params: Map<string, string>;
  q: number;
}

/**
 * The clauses of an Accept header, highest q first; equal q keeps the client's order (a stable
 * sort), as the apiserver's negotiation does. Clauses with q=0 are dropped.
 */
export function parseAccept(header: string): AcceptClause[] {
  const clauses: AcceptClause[] = [];
  for (const part of header.split(",")) {
    const [type = "", ...rest] = part.split(";").map((s) => s.trim());
    if (type === "") continue;
    const params = new Map<string, string>();
    for (const param of rest) {
      const eq = param.indexOf("=");
      if (eq > 0) params.set(param.slice(0, eq).trim().toLowerCase(), param.slice(eq + 1).trim());
    }
    const q = params.has("q") ? Number(params.get("q")) : 1;
    params.delete("q");
    if (Number.isFinite(q) && q > 0) clauses.push({ type: type.toLowerCase(), params, q });
  }
  return clauses.sort((a, b) => b.q - a.q);
}

/** The media types this server writes: JSON, whatever the client names it. */
export const JSON_TYPES: ReadonlySet<string> = new Set(["application/json", "application/*", "*/*"]);
