import { ManualClock } from "@watchersyncer/core/testing";
import { describe, expect, it } from "vitest";
import { laggingMemberAvoidMs, MemberAvoidedError, MemberQuarantine } from "./member-quarantine.js";

const hosts = ["http://127.0.0.1:1", "http://127.0.0.1:2"];
const call = () => ({ stream: true });

describe("MemberQuarantine", () => {
  it("runs calls once and remembers which member a result came from", async () => {
    const quarantine = new MemberQuarantine(hosts, new ManualClock());
    let runs = 0;
    const result = await quarantine.policyFor(hosts[0]!).execute(() => {
      runs++;
      return call();
    });
    expect(runs).toBe(1);
    expect(quarantine.memberOf(result as object)).toBe("127.0.0.1:1");
    await expect(
      quarantine.policyFor(hosts[1]!).execute(() => Promise.reject(new Error("boom"))),
    ).rejects.toThrow("boom");
  });

  it("refuses an avoided member, without calling, until the time is up", async () => {
    const clock = new ManualClock();
    const quarantine = new MemberQuarantine(hosts, clock);
    quarantine.avoid("127.0.0.1:1", 1_000);
    let runs = 0;
    const policy = quarantine.policyFor(hosts[0]!);
    await expect(policy.execute(() => ++runs)).rejects.toBeInstanceOf(MemberAvoidedError);
    expect(runs).toBe(0);
    await clock.advance(1_000);
    await expect(policy.execute(() => ++runs)).resolves.toBe(1);
  });

  it("avoids a member that answered with a future revision for a moment, so the retry goes elsewhere", async () => {
    const clock = new ManualClock();
    const quarantine = new MemberQuarantine(hosts, clock);
    const lagging = quarantine.policyFor(hosts[0]!);
    const futureRevision = Object.assign(
      new Error("11 OUT_OF_RANGE: etcdserver: mvcc: required revision is a future revision"),
      { code: 11 },
    );
    await expect(lagging.execute(() => Promise.reject(futureRevision))).rejects.toBe(futureRevision);
    expect(quarantine.isAvoided(hosts[0]!)).toBe(true);
    expect(quarantine.isAvoided(hosts[1]!)).toBe(false);
    let runs = 0;
    await expect(lagging.execute(() => ++runs)).rejects.toBeInstanceOf(MemberAvoidedError);
    await expect(quarantine.policyFor(hosts[1]!).execute(() => ++runs)).resolves.toBe(1);
    await clock.advance(laggingMemberAvoidMs);
    await expect(lagging.execute(() => ++runs)).resolves.toBe(2);
    // Other failures say nothing about lag: the member stays in the rotation.
    await expect(lagging.execute(() => Promise.reject(new Error("14 UNAVAILABLE")))).rejects.toThrow();
    expect(quarantine.isAvoided(hosts[0]!)).toBe(false);
  });

  it("lets calls through to an avoided member when every member is avoided", async () => {
    const quarantine = new MemberQuarantine(hosts, new ManualClock());
    quarantine.avoid(hosts[0]!, 1_000);
    quarantine.avoid(hosts[1]!, 1_000);
    await expect(quarantine.policyFor(hosts[0]!).execute(() => 7)).resolves.toBe(7);
  });
});
