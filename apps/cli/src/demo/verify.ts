import type { Revision } from "@watchersyncer/core";
import { escapeForTerminal } from "../support/escape-for-terminal.js";

export interface StaleEntry {
  key: string;
  view: Revision;
  datastore: Revision;
}

export interface ViewDifference {
  /** In the datastore, not in the view. */
  missing: [key: string, revision: Revision][];
  /** In the view, gone from the datastore. */
  extra: [key: string, revision: Revision][];
  /** In both, at different revisions. */
  stale: StaleEntry[];
}

export interface Verification {
  ok: boolean;
  keys: number;
  revision: Revision;
  difference: ViewDifference;
}

export function compareViews(
  view: ReadonlyMap<string, Revision>,
  datastore: ReadonlyMap<string, Revision>,
): ViewDifference {
  const difference: ViewDifference = { missing: [], extra: [], stale: [] };
  for (const [key, revision] of datastore) {
    const seen = view.get(key);
    if (seen === undefined) difference.missing.push([key, revision]);
    else if (seen !== revision) difference.stale.push({ key, view: seen, datastore: revision });
  }
  for (const [key, revision] of view) {
    if (!datastore.has(key)) difference.extra.push([key, revision]);
  }
  const byKey = (a: [string, Revision], b: [string, Revision]) => a[0].localeCompare(b[0]);
  difference.missing.sort(byKey);
  difference.extra.sort(byKey);
  difference.stale.sort((a, b) => a.key.localeCompare(b.key));
  return difference;
}

export function isSame(difference: ViewDifference): boolean {
  return difference.missing.length === 0 && difference.extra.length === 0 && difference.stale.length === 0;
}

export function verify(
  view: ReadonlyMap<string, Revision>,
  datastore: ReadonlyMap<string, Revision>,
  revision: Revision,
): Verification {
  const difference = compareViews(view, datastore);
  return { ok: isSame(difference), keys: datastore.size, revision, difference };
}

/** The verdict, then (if the views differ) up to `limit` lines per kind of difference. */
export function describeVerification(verification: Verification, limit = 20): string[] {
  const { difference } = verification;
  if (verification.ok) {
    return [
      `verified: syncer view equals datastore (${verification.keys} ${verification.keys === 1 ? "key" : "keys"}, revision ${verification.revision})`,
    ];
  }
  const lines = [
    `NOT verified: syncer view differs from datastore at revision ${verification.revision}: ` +
      `${difference.missing.length} missing, ${difference.extra.length} extra, ${difference.stale.length} stale`,
  ];
  const section = <T>(items: T[], render: (item: T) => string) => {
    for (const item of items.slice(0, limit)) lines.push(render(item));
    if (items.length > limit) lines.push(`  … and ${items.length - limit} more`);
  };
  section(difference.missing, ([key, revision]) => `  missing ${escapeForTerminal(key)} @${revision}`);
  section(difference.extra, ([key, revision]) => `  extra   ${escapeForTerminal(key)} @${revision}`);
  section(
    difference.stale,
    (s) => `  stale   ${escapeForTerminal(s.key)} @${s.view} (datastore @${s.datastore})`,
  );
  return lines;
}
