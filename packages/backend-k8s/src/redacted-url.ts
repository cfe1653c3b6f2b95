/** `scheme://` and an authority's userinfo (up to its last `@`): `user:password@`. */
const USERINFO = /^([a-z][a-z0-9+.-]*:\/\/)[^/?#]*@/i;

/**
 * A URL fit for messages and logs: userinfo (`https://user:pass@host`, which a kubeconfig's
 * `server` may carry) printed as `***@`. Works on text that does not parse as a URL too, since such
 * text is quoted in errors as well.
 */
export function redactedUrl(url: string): string {
  return url.replace(USERINFO, "$1***@");
}
