import { describe, expect, it } from "vitest";
import { AgentCache } from "./request-init.js";

describe("AgentCache", () => {
  const tls = (key: string) => ({ ca: Buffer.from("ca"), cert: Buffer.from("cert"), key: Buffer.from(key) });

  it("hands out the same agent while the TLS material is byte for byte the same", () => {
    const agents = new AgentCache();
    const first = agents.agentFor(false, tls("k1"));
    expect(agents.agentFor(false, tls("k1"))).toBe(first);
  });

  it("makes a new agent when a file was rotated, a setting changed or the scheme differs", () => {
    const agents = new AgentCache();
    const first = agents.agentFor(false, tls("k1"));
    const rotated = agents.agentFor(false, tls("k2"));
    expect(rotated).not.toBe(first);
    expect(agents.agentFor(false, { ...tls("k2"), servername: "api" })).not.toBe(rotated);
    expect(agents.agentFor(false, { ...tls("k2"), rejectUnauthorized: false })).not.toBe(rotated);
    const plain = agents.agentFor(true, {});
    expect(agents.agentFor(false, {})).not.toBe(plain);
  });
});
