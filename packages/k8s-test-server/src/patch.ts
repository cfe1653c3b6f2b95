type Json = unknown;
type JsonObject = Record<string, unknown>;

export class PatchError extends Error {
  override readonly name = "PatchError";
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** RFC 7386 JSON merge patch. */
export function mergePatch(target: Json, patch: Json): Json {
  if (!isObject(patch)) return structuredClone(patch);
  const result: JsonObject = isObject(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else result[key] = mergePatch(result[key], value);
  }
  return result;
}

const DIRECTIVE_PREFIX = "$";

/**
 * Strategic merge patch, reduced to what kubectl sends without knowing Go struct tags: maps merge
 * like a merge patch, `$`-directives are honoured where cheap ($patch: replace|delete,
 * $setElementOrder, $retainKeys is ignored), and lists of objects that all carry a `name` merge
 * by name (containers, volumes, env, ports with names); any other list is replaced.
 */
export function strategicMergePatch(target: Json, patch: Json): Json {
  if (!isObject(patch)) return structuredClone(patch);
  if (patch.$patch === "replace") return stripDirectives(patch);
  if (patch.$patch === "delete") return undefined;
  const result: JsonObject = isObject(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (key.startsWith(DIRECTIVE_PREFIX)) continue;
    if (value === null) {
      delete result[key];
      continue;
    }
    const order = patch[`$setElementOrder/${key}`];
    if (
      Array.isArray(value) &&
      Array.isArray(result[key]) &&
      namedObjects(value) &&
      namedObjects(result[key])
    ) {
      result[key] = mergeNamedLists(result[key] as JsonObject[], value as JsonObject[], order);
    } else {
      const merged = strategicMergePatch(result[key], value);
      if (merged === undefined) delete result[key];
      else result[key] = merged;
    }
  }
  // An order directive for a list the patch does not touch still reorders it.
  for (const [key, order] of Object.entries(patch)) {
    const match = /^\$setElementOrder\/(.+)$/.exec(key);
    if (!match || match[1]! in patch) continue;
    const list = result[match[1]!];
    if (Array.isArray(list) && namedObjects(list)) result[match[1]!] = reorder(list as JsonObject[], order);
  }
  return result;
}

function namedObjects(list: unknown): boolean {
  return Array.isArray(list) && list.every((item) => isObject(item) && typeof item.name === "string");
}

function mergeNamedLists(target: JsonObject[], patch: JsonObject[], order: unknown): JsonObject[] {
  const result = target.map((item) => ({ ...item }));
  for (const item of patch) {
    const index = result.findIndex((existing) => existing.name === item.name);
    if (item.$patch === "delete") {
      if (index >= 0) result.splice(index, 1);
    } else if (index >= 0) {
      result[index] = strategicMergePatch(result[index], item) as JsonObject;
    } else {
      result.push(stripDirectives(item) as JsonObject);
    }
  }
  return reorder(result, order);
}

function reorder(list: JsonObject[], order: unknown): JsonObject[] {
  if (!Array.isArray(order)) return list;
  const names = order.map((entry) => (isObject(entry) ? entry.name : undefined));
  const rank = (item: JsonObject) => {
    const i = names.indexOf(item.name);
    return i < 0 ? names.length : i;
  };
  return [...list].sort((a, b) => rank(a) - rank(b));
}

function stripDirectives(value: Json): Json {
  if (Array.isArray(value)) return value.map(stripDirectives);
  if (!isObject(value)) return value;
  const result: JsonObject = {};
  for (const [key, inner] of Object.entries(value)) {
    if (!key.startsWith(DIRECTIVE_PREFIX)) result[key] = stripDirectives(inner);
  }
  return result;
}

interface JsonPatchOperation {
  op: string;
  path: string;
  from?: string;
  value?: unknown;
}

function parsePointer(pointer: string): string[] {
  if (pointer === "") return [];
  if (!pointer.startsWith("/")) throw new PatchError(`invalid JSON pointer "${pointer}"`);
  return pointer
    .slice(1)
    .split("/")
    .map((token) => token.replace(/~1/g, "/").replace(/~0/g, "~"));
}

function resolveParent(document: Json, tokens: string[]): { parent: JsonObject | unknown[]; last: string } {
  let current: unknown = document;
  for (const token of tokens.slice(0, -1)) {
    if (Array.isArray(current)) current = current[Number(token)];
    else if (isObject(current)) current = current[token];
    else current = undefined;
    if (current === undefined) throw new PatchError(`path not found: /${tokens.join("/")}`);
  }
  if (!Array.isArray(current) && !isObject(current))
    throw new PatchError(`path not found: /${tokens.join("/")}`);
  return { parent: current, last: tokens[tokens.length - 1]! };
}

function arrayIndex(list: unknown[], token: string, forInsert: boolean): number {
  if (forInsert && token === "-") return list.length;
  const index = Number(token);
  const max = forInsert ? list.length : list.length - 1;
  if (!/^\d+$/.test(token) || index > max) throw new PatchError(`array index out of range: ${token}`);
  return index;
}

function getAt(document: Json, pointer: string): Json {
  const tokens = parsePointer(pointer);
  if (tokens.length === 0) return document;
  const { parent, last } = resolveParent(document, tokens);
  const value = Array.isArray(parent) ? parent[arrayIndex(parent, last, false)] : parent[last];
  if (value === undefined) throw new PatchError(`path not found: ${pointer}`);
  return value;
}

function removeAt(document: Json, pointer: string): Json {
  const tokens = parsePointer(pointer);
  const { parent, last } = resolveParent(document, tokens);
  if (Array.isArray(parent)) {
    parent.splice(arrayIndex(parent, last, false), 1);
  } else {
    if (!(last in parent)) throw new PatchError(`path not found: ${pointer}`);
    delete parent[last];
  }
  return document;
}

function addAt(document: Json, pointer: string, value: Json): Json {
  const tokens = parsePointer(pointer);
  if (tokens.length === 0) return value;
  const { parent, last } = resolveParent(document, tokens);
  if (Array.isArray(parent)) parent.splice(arrayIndex(parent, last, true), 0, value);
  else parent[last] = value;
  return document;
}

/** RFC 6902 JSON patch. */
export function jsonPatch(target: Json, operations: unknown): Json {
  if (!Array.isArray(operations)) throw new PatchError("a JSON patch must be an array of operations");
  let document = structuredClone(target);
  for (const raw of operations as JsonPatchOperation[]) {
    if (!isObject(raw) || typeof raw.path !== "string") throw new PatchError("invalid JSON patch operation");
    switch (raw.op) {
      case "add":
        document = addAt(document, raw.path, structuredClone(raw.value));
        break;
      case "remove":
        document = removeAt(document, raw.path);
        break;
      case "replace":
        getAt(document, raw.path);
        document = addAt(removeAt(document, raw.path), raw.path, structuredClone(raw.value));
        break;
      case "move": {
        const value = getAt(document, raw.from ?? "");
        document = addAt(removeAt(document, raw.from ?? ""), raw.path, value);
        break;
      }
      case "copy":
        document = addAt(document, raw.path, structuredClone(getAt(document, raw.from ?? "")));
        break;
      case "test":
        if (JSON.stringify(getAt(document, raw.path)) !== JSON.stringify(raw.value)) {
          throw new PatchError(`testing value ${raw.path} failed`);
        }
        break;
      default:
        throw new PatchError(`unknown JSON patch operation "${String(raw.op)}"`);
    }
  }
  return document;
}
