import { createHash, timingSafeEqual } from "node:crypto";
import { readFile } from "node:fs/promises";

const digest = (text: string) => createHash("sha256").update(text).digest();

/**
 * The bearer tokens of `--token-file` (one a line; blank lines and `#` comments skipped). A
 * request's token is compared with every one of them in constant time (digests of equal length,
 * no early exit), so timing tells nothing about how much of a token matched. Tokens are never logged.
 */
export class BearerTokens {
  private constructor(private readonly digests: Buffer[]) {}

  static async fromFile(path: string): Promise<BearerTokens> {
    const text = await readFile(path, "utf8");
    const tokens = text
      .split(/\r?\n/)
      .map((line) => line.trim())
      .filter((line) => line !== "" && !line.startsWith("#"));
    if (tokens.length === 0) throw new Error(`the token file ${path} holds no token`);
    return new BearerTokens(tokens.map(digest));
  }

  /** Whether an `Authorization` header carries one of the tokens. */
  accepts(authorization: string | undefined): boolean {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? "");
    if (!match) return false;
    const offered = digest(match[1]!);
    let accepted = false;
    for (const known of this.digests) accepted = timingSafeEqual(known, offered) || accepted;
    return accepted;
  }
}
