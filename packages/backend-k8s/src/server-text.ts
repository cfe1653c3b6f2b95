/**
 * Bounds on text a server sends, so that a hostile or broken server cannot make one value fill
 * every log line and error message, or a URL the server then refuses.
 */

/**
 * The longest `metadata.resourceVersion` accepted, in characters. The API server's are decimal
 * etcd revisions (at most 20 digits); anything near this bound is not a revision. A longer one on
 * an object makes that object a ParseError; on a bookmark or a list it fails the watch or list.
 */
export const MAX_RESOURCE_VERSION_LENGTH = 1024;

/** The most of a server-provided string quoted in an error message or a log field. */
export const MAX_QUOTED_SERVER_TEXT = 80;

/**
 * The first `max` characters of `text`, marked as cut (with the full length) when it was longer.
 * Meant for server text in messages and log fields.
 */
export function clipServerText(text: string, max = MAX_QUOTED_SERVER_TEXT): string {
  if (text.length <= max) return text;
  return `${text.slice(0, max)}… (${text.length} characters)`;
}

/**
 * A resourceVersion that is a string of acceptable length, undefined when missing or empty, or a
 * message (quoting at most its first 40 characters) when it is too long.
 */
export function checkResourceVersion(
  rv: unknown,
): { ok: true; revision: string | undefined } | { ok: false; why: string } {
  if (typeof rv !== "string" || rv === "") return { ok: true, revision: undefined };
  if (rv.length <= MAX_RESOURCE_VERSION_LENGTH) return { ok: true, revision: rv };
  return {
    ok: false,
    why: `metadata.resourceVersion is ${rv.length} characters long, more than ${MAX_RESOURCE_VERSION_LENGTH} (${JSON.stringify(clipServerText(rv, 40))})`,
  };
}
