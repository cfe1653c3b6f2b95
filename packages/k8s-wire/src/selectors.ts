import type { ResourceDefinition } from "./resources.js";

/** Returns true when the object matches. Built once per request from the query string. */
export type Predicate = (object: unknown) => boolean;

export class SelectorSyntaxError extends Error {
  override readonly name = "SelectorSyntaxError";
}

const KEY = /^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = "";
  for (const ch of text) {
    if (ch === "(") depth++;
    if (ch === ")") depth--;
    if (ch === "," && depth === 0) {
      parts.push(current);
      current = "";
    } else {
      current += ch;
    }
  }
  parts.push(current);
  return parts.map((p) => p.trim());
}

function checkKey(key: string): string {
  if (!KEY.test(key)) throw new SelectorSyntaxError(`invalid label key "${key}"`);
  return key;
}

function checkValue(value: string): string {
  if (!VALUE.test(value)) throw new SelectorSyntaxError(`invalid label value: "${value}"`);
  return value;
}

function labelsOf(object: unknown): Record<string, unknown> {
  const metadata = (object as { metadata?: unknown } | null)?.metadata;
  const labels = (metadata as { labels?: unknown } | null | undefined)?.labels;
  return typeof labels === "object" && labels !== null ? (labels as Record<string, unknown>) : {};
}

function labelRequirement(text: string): Predicate {
  const setMatch = /^(\S+)\s+(in|notin)\s*\((.*)\)$/.exec(text);
  if (setMatch) {
    const key = checkKey(setMatch[1]!);
    const values = new Set(setMatch[3]!.split(",").map((v) => checkValue(v.trim())));
    if (setMatch[2] === "in") return (o) => values.has(labelsOf(o)[key] as string);
    return (o) => !values.has(labelsOf(o)[key] as string);
  }
  if (text.startsWith("!")) {
    const key = checkKey(text.slice(1).trim());
    return (o) => !(key in labelsOf(o));
  }
  const opMatch = /^([^=!<>\s]+)\s*(==|=|!=|<|>)\s*(.*)$/.exec(text);
  if (opMatch) {
    const key = checkKey(opMatch[1]!);
    const op = opMatch[2]!;
    const value = opMatch[3]!.trim();
    if (op === "<" || op === ">") {
      const bound = Number(value);
      if (!Number.isInteger(bound)) throw new SelectorSyntaxError(`invalid integer value "${value}"`);
      return (o) => {
        const raw = labelsOf(o)[key];
        if (typeof raw !== "string" || !/^-?\d+$/.test(raw)) return false;
        return op === "<" ? Number(raw) < bound : Number(raw) > bound;
      };
    }
    checkValue(value);
    if (op === "!=") return (o) => labelsOf(o)[key] !== value;
    return (o) => labelsOf(o)[key] === value;
  }
  const key = checkKey(text);
  return (o) => key in labelsOf(o);
}

/** Parses a Kubernetes label selector: `a=b`, `a==b`, `a!=b`, `a in (x,y)`, `a notin (x)`, `a`, `!a`, `a>1`. */
export function parseLabelSelector(selector: string | null | undefined): Predicate {
  if (selector === null || selector === undefined || selector.trim() === "") return () => true;
  const requirements = splitTopLevel(selector).map((part) => {
    if (part === "") throw new SelectorSyntaxError(`invalid label selector "${selector}"`);
    return labelRequirement(part);
  });
  return (o) => requirements.every((r) => r(o));
}

/** Fields the apiserver lets you select on, beyond metadata.name and metadata.namespace. */
const EXTRA_FIELDS: Record<string, readonly string[]> = {
  pods: [
    "spec.nodeName",
    "spec.restartPolicy",
    "spec.schedulerName",
    "spec.serviceAccountName",
    "status.phase",
    "status.podIP",
  ],
  namespaces: ["status.phase"],
};

function fieldValue(object: unknown, path: string): string {
  let current: unknown = object;
  for (const part of path.split(".")) {
    if (typeof current !== "object" || current === null) return "";
    current = (current as Record<string, unknown>)[part];
  }
  return typeof current === "string" ? current : current === undefined ? "" : String(current);
}

/** Parses a field selector (`metadata.name=x`, `metadata.namespace!=y`), rejecting unsupported fields. */
export function parseFieldSelector(
  selector: string | null | undefined,
  resource: ResourceDefinition,
): Predicate {
  if (selector === null || selector === undefined || selector.trim() === "") return () => true;
  const allowed = new Set(["metadata.name", "metadata.namespace", ...(EXTRA_FIELDS[resource.plural] ?? [])]);
  const requirements = selector.split(",").map((part): Predicate => {
    const match = /^\s*([^=!\s]+)\s*(==|=|!=)\s*(.*?)\s*$/.exec(part);
    if (!match) throw new SelectorSyntaxError(`invalid selector: '${selector}'; can't understand '${part}'`);
    const field = match[1]!;
    const value = match[3]!;
    if (!allowed.has(field)) throw new SelectorSyntaxError(`field label not supported: ${field}`);
    return match[2] === "!=" ? (o) => fieldValue(o, field) !== value : (o) => fieldValue(o, field) === value;
  });
  return (o) => requirements.every((r) => r(o));
}
