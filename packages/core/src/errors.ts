/**
 * Error classes the syncer branches on. Each class carries a brand registered with `Symbol.for`,
 * so `X.is(err)` also recognises errors thrown by a second copy of this package, where
 * `instanceof` would fail.
 */

const brandPrefix = "@watchersyncer/core/error/";

function brandOf(errorName: string): symbol {
  return Symbol.for(brandPrefix + errorName);
}

function hasBrand(value: unknown, brand: symbol): boolean {
  return typeof value === "object" && value !== null && (value as Record<symbol, unknown>)[brand] === true;
}

type ErrorClass<T> = (abstract new (...args: never[]) => T) & { readonly errorName: string };

export class DatastoreError extends Error {
  static readonly errorName: string = "DatastoreError";
  static {
    Object.defineProperty(DatastoreError.prototype, brandOf("DatastoreError"), { value: true });
  }

  constructor(message?: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = (new.target as unknown as { errorName: string }).errorName;
  }

  /** True for instances of this class or a subclass, even from another copy of the package. */
  static is<T>(this: ErrorClass<T>, value: unknown): value is T {
    // biome-ignore lint/complexity/noThisInStatic: `this` is the subclass the guard was called on.
    return hasBrand(value, brandOf(this.errorName));
  }
}

/** Marks `cls` (and so its subclasses) with its brand; every error class of the package calls it once. */
export function brand(cls: { prototype: object; errorName: string }): void {
  Object.defineProperty(cls.prototype, brandOf(cls.errorName), { value: true });
}

/** The revision was compacted away (etcd), HTTP 410 Gone, or "too large resource version". */
export class ResourceExpiredError extends DatastoreError {
  static override readonly errorName: string = "ResourceExpiredError";
  static {
    brand(ResourceExpiredError);
  }
}

export class ConnectionRefusedError extends DatastoreError {
  static override readonly errorName: string = "ConnectionRefusedError";
  static {
    brand(ConnectionRefusedError);
  }
}

/** HTTP 429. `retryAfterMs`, when the server said, is honoured before the next attempt. */
export class TooManyRequestsError extends DatastoreError {
  static override readonly errorName: string = "TooManyRequestsError";
  static {
    brand(TooManyRequestsError);
  }
  constructor(message?: string, options?: { cause?: unknown; retryAfterMs?: number }) {
    super(message, options);
    this.retryAfterMs = options?.retryAfterMs;
  }
  readonly retryAfterMs: number | undefined;
}

export class OperationNotSupportedError extends DatastoreError {
  static override readonly errorName: string = "OperationNotSupportedError";
  static {
    brand(OperationNotSupportedError);
  }
}

/** The resource's API is not there, e.g. its CRD is not installed. */
export class ResourceDoesNotExistError extends DatastoreError {
  static override readonly errorName: string = "ResourceDoesNotExistError";
  static {
    brand(ResourceDoesNotExistError);
  }
}

/** A stored entry could not be decoded. `rawKey` is the key the backend would have used. */
export class ParseError extends DatastoreError {
  static override readonly errorName: string = "ParseError";
  static {
    brand(ParseError);
  }
  constructor(
    readonly rawKey: string,
    readonly rawValue: string,
    message?: string,
  ) {
    super(message ?? `cannot parse stored value of ${rawKey}`);
  }
}

/** Wraps whatever was thrown into an Error, so logs and error events always carry one. */
export function toError(value: unknown): Error {
  return value instanceof Error ? value : new Error(String(value));
}
