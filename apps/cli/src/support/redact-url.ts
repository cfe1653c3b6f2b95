/** Everything between `scheme://` (or the start) and the last `@` before the path: the userinfo. */
const USERINFO = /^((?:[a-z][a-z0-9+.-]*:\/\/)?)[^/]*@/i;

/** A URL as it may be printed (an endpoint, a server): a `user:password@` in it becomes `***@`. */
export function redactUrl(url: string): string {
  return url.replace(USERINFO, "$1***@");
}
