/**
 * A cached key lives as long as its entry, yet it is born in the young generation like any new
 * string, so the garbage collector copies it twice (once within the young generation, once into
 * the old) and, for a list of tens of thousands of keys, grows the young generation to its
 * maximum on the way; the process keeps those megabytes until V8's memory reducer runs seconds
 * later. Using a string as a property name makes V8 intern it: the string table holds a copy in
 * the old generation and the original becomes a forwarding pointer that the next collection
 * skips, so only the old-generation copy survives. On engines without that behaviour this is a
 * property set and delete, and nothing else changes.
 */
const internTable: Record<string, 0> = Object.create(null);

/** `key`, moved to the old generation where the engine interns property names (V8). */
export function oldGenerationKey(key: string): string {
  internTable[key] = 0;
  delete internTable[key];
  return key;
}
