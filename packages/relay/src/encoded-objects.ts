import type { WatchEventType } from "@watchersyncer/k8s-wire";

const encoder = new TextEncoder();

/**
 * The JSON of served objects and their watch lines, encoded once however many clients get them:
 * the hub hands every watcher the same pair, the relay maps it to one object (see
 * `ServedResource.objectOf`), and this keeps that object's encodings while the object lives.
 */
export class EncodedObjects {
  private readonly json = new WeakMap<object, string>();
  private readonly lines = new WeakMap<object, Map<WatchEventType, Uint8Array>>();

  jsonOf(object: object): string {
    let text = this.json.get(object);
    if (text === undefined) {
      text = JSON.stringify(object);
      this.json.set(object, text);
    }
    return text;
  }

  /** `{"type":…,"object":…}\n` as bytes. */
  lineOf(type: WatchEventType, object: object): Uint8Array {
    let byType = this.lines.get(object);
    if (byType === undefined) {
      byType = new Map();
      this.lines.set(object, byType);
    }
    let line = byType.get(type);
    if (line === undefined) {
      line = encoder.encode(`{"type":"${type}","object":${this.jsonOf(object)}}\n`);
      byType.set(type, line);
    }
    return line;
  }
}

/** A line for one client only (a view of the object, a Status, a bookmark): not kept. */
export function encodeLine(type: WatchEventType, object: unknown): Uint8Array {
  return encoder.encode(`${JSON.stringify({ type, object })}\n`);
}
