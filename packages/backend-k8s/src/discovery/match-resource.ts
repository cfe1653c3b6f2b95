import type { DiscoveredResource } from "./discovered-resource.js";

/** An API version as kubectl tells one from a group name (`v1`, `v2beta1`). */
const VERSION = /^v\d+((alpha|beta)\d+)?$/;

/** One way to read a name: the resource part, and the group and version it is narrowed to. */
interface Reading {
  resource: string;
  group?: string;
  version?: string;
}

/**
 * The readings of a name, as kubectl parses a resource argument: `deploy`, `deployments.apps`,
 * `deployments.v1.apps`. A dotted name is first tried as `<resource>.<version>.<group>`.
 */
function readingsOf(name: string): Reading[] {
  const dot = name.indexOf(".");
  if (dot < 0) return [{ resource: name }];
  const resource = name.slice(0, dot);
  const rest = name.slice(dot + 1);
  const readings: Reading[] = [];
  const second = rest.indexOf(".");
  if (second > 0 && VERSION.test(rest.slice(0, second))) {
    readings.push({ resource, version: rest.slice(0, second), group: rest.slice(second + 1) });
  }
  readings.push({ resource, group: rest });
  return readings;
}

/** The names of a resource that `name` may be, in kubectl's order: short names, plural and singular, kind. */
const TIERS: ((r: DiscoveredResource) => string[])[] = [
  (r) => r.shortNames.map((s) => s.toLowerCase()),
  (r) => [r.plural.toLowerCase(), (r.singular || r.kind).toLowerCase()],
  (r) => [r.kind.toLowerCase()],
];

/**
 * The resource `name` means, matched as kubectl matches it: case-insensitively against short
 * names first (kubectl expands them before anything else), then plurals and singulars, then kinds;
 * among equal matches the first in discovery order wins (the core group, then the groups as the
 * server lists them, by priority; each group's preferred version first). Undefined when none does.
 */
export function matchResource(
  name: string,
  resources: readonly DiscoveredResource[],
): DiscoveredResource | undefined {
  for (const reading of readingsOf(name.toLowerCase())) {
    const candidates = resources.filter(
      (r) =>
        (reading.group === undefined || r.group === reading.group) &&
        (reading.version === undefined || r.version === reading.version),
    );
    for (const namesOf of TIERS) {
      const found = candidates.find((r) => namesOf(r).includes(reading.resource));
      if (found !== undefined) return found;
    }
  }
  return undefined;
}
