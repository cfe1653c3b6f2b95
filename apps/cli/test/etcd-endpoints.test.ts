import { describe, expect, it } from "vitest";
import { main } from "../src/main.js";
import { captureIo, lines } from "./capture.js";

const WATCH = ["watch", "--backend", "etcd", "--kind", "NetworkPolicy"];

async function run(argv: string[], env: Record<string, string> = {}) {
  const captured = captureIo({ env });
  const started = Date.now();
  const code = await main(argv, captured.io);
  return { code, stdout: captured.stdout(), stderr: captured.stderr(), ms: Date.now() - started };
}

describe("etcd endpoints are checked before anything connects", () => {
  it.each([
    ["127.0.0.1:99999", "not a valid URL: check the host, and that the port is at most 65535"],
    ["http://127.0.0.1:99999", "not a valid URL: check the host, and that the port is at most 65535"],
    ["http://[::1", "not a valid URL: check the host, and that the port is at most 65535"],
    ["http://127.0.0.1:2379/path?x", "etcd takes no path, query or fragment"],
    ["http://127.0.0.1:2379?x", "etcd takes no path, query or fragment"],
    ["http://127.0.0.1:2379/v3", "etcd takes no path, query or fragment"],
    ["unix:///run/etcd.sock", "scheme unix: is not http: or https:"],
  ])(
    "--endpoints %s is a usage error at once: exit 2 and a one-line reason",
    async (endpoint, reason) => {
      const result = await run([...WATCH, "--endpoints", endpoint]);
      expect(result.code).toBe(2);
      expect(result.stdout).toBe("");
      const [first, second, ...rest] = lines(result.stderr);
      expect(first).toBe(
        `watchersyncer: --endpoints: '${endpoint}' is not an http:// or https:// URL like http://127.0.0.1:2379 (${reason})`,
      );
      expect(second).toMatch(/^usage: watchersyncer watch /);
      expect(rest).toEqual([]);
      expect(result.ms).toBeLessThan(2000);
    },
    30_000,
  );

  it("well-formed endpoints pass the check (a trailing slash and IPv6 too)", async () => {
    const { checkEtcdEndpoints } = await import("../src/backends/etcd-endpoint.js");
    expect(() =>
      checkEtcdEndpoints(
        ["http://127.0.0.1:2379", "https://etcd.example:2379/", "http://[::1]:2379"],
        "--endpoints",
      ),
    ).not.toThrow();
  });
});

describe("credentials in an endpoint URL are never printed", () => {
  const SECRET = "s3cret-Pa55";

  it("--endpoints user:pass@: a usage error naming the endpoint as ***@, at log level debug", async () => {
    const result = await run([
      ...WATCH,
      ...[
        "--endpoints",
        `http://root:${SECRET}@127.0.0.1:1`,
        "--log-level",
        "debug",
        "--connect-timeout",
        "1",
      ],
    ]);
    expect(result.code).toBe(2);
    expect(result.stdout + result.stderr).not.toContain(SECRET);
    expect(result.stderr).toContain("'http://***@127.0.0.1:1' is not an http:// or https:// URL");
    expect(result.stderr).toContain("credentials in the URL are not used; give --user and --password-file");
  }, 30_000);

  it("ETCD_ENDPOINTS with user:pass@ likewise, in text and JSON logs", async () => {
    for (const format of ["text", "json"]) {
      const result = await run(
        [...WATCH, "--log-level", "debug", "--log-format", format, "--connect-timeout", "1"],
        {
          ETCD_ENDPOINTS: `https://root:${SECRET}@127.0.0.1:1,http://127.0.0.1:2`,
        },
      );
      expect(result.code).toBe(2);
      expect(result.stdout + result.stderr).not.toContain(SECRET);
      expect(result.stderr).toContain("ETCD_ENDPOINTS: 'https://***@127.0.0.1:1'");
    }
  }, 30_000);

  it("redactUrl hides the userinfo of any URL, parseable or not", async () => {
    const { redactUrl } = await import("../src/support/redact-url.js");
    expect(redactUrl("https://u:p@h:1/x@y")).toBe("https://***@h:1/x@y");
    expect(redactUrl("u:p@h:1")).toBe("***@h:1");
    expect(redactUrl("http://[::1")).toBe("http://[::1");
    expect(redactUrl("http://h:1")).toBe("http://h:1");
  });
});
