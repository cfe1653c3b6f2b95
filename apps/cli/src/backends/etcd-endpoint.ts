import { UsageError } from "../args/usage-error.js";
import { redactUrl } from "../support/redact-url.js";

/** Why etcd cannot use `endpoint`, or undefined when it can. */
function endpointProblem(endpoint: string): string | undefined {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    return "not a valid URL: check the host, and that the port is at most 65535";
  }
  if (url.protocol !== "http:" && url.protocol !== "https:")
    return `scheme ${url.protocol} is not http: or https:`;
  if (url.username !== "" || url.password !== "") {
    return "credentials in the URL are not used; give --user and --password-file";
  }
  if (url.hostname === "") return "no host";
  if (url.port === "0") return "port 0";
  if (url.pathname !== "/" || url.search !== "" || url.hash !== "")
    return "etcd takes no path, query or fragment";
  return undefined;
}

/**
 * Checks every endpoint before anything connects: a malformed one is a usage error at once, not
 * a failure after the connect timeout. The message never shows the endpoint's credentials.
 */
export function checkEtcdEndpoints(endpoints: readonly string[], source: string): void {
  for (const endpoint of endpoints) {
    const problem = endpointProblem(endpoint);
    if (problem === undefined) continue;
    throw new UsageError(
      `${source}: '${redactUrl(endpoint)}' is not an http:// or https:// URL like ` +
        `http://127.0.0.1:2379 (${problem})`,
    );
  }
}
