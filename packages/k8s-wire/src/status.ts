import { qualifiedPlural, type ResourceDefinition } from "./resources.js";

export interface StatusCause {
  reason?: string;
  message?: string;
  field?: string;
}

export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  uid?: string;
  causes?: StatusCause[];
  retryAfterSeconds?: number;
}

/** A `meta.k8s.io/v1` Status, as the apiserver writes it for failures (and a few successes). */
export interface Status {
  kind: "Status";
  apiVersion: "v1";
  metadata: Record<string, never>;
  status: "Success" | "Failure";
  message?: string;
  reason?: string;
  details?: StatusDetails;
  code: number;
}

export function failure(code: number, reason: string, message: string, details?: StatusDetails): Status {
  const status: Status = {
    kind: "Status",
    apiVersion: "v1",
    metadata: {},
    status: "Failure",
    message,
    reason,
    code,
  };
  if (details !== undefined) status.details = details;
  return status;
}

const API_ERROR_BRAND = Symbol.for("@watchersyncer/k8s-wire/ApiError");

/** Thrown by the data plane; HTTP handlers turn it into the Status response it carries. */
export class ApiError extends Error {
  readonly [API_ERROR_BRAND] = true;
  override readonly name = "ApiError";
  readonly status: Status;
  /** Extra response headers (e.g. Retry-After). */
  readonly headers: Record<string, string>;

  constructor(status: Status, headers: Record<string, string> = {}) {
    super(status.message ?? status.reason ?? `HTTP ${status.code}`);
    this.status = status;
    this.headers = headers;
  }

  get code(): number {
    return this.status.code;
  }

  get reason(): string | undefined {
    return this.status.reason;
  }

  static is(value: unknown): value is ApiError {
    return (
      typeof value === "object" &&
      value !== null &&
      (value as Record<symbol, unknown>)[API_ERROR_BRAND] === true
    );
  }
}

function resourceDetails(resource: ResourceDefinition, name: string): StatusDetails {
  const details: StatusDetails = { name, kind: resource.plural };
  if (resource.group !== "") details.group = resource.group;
  return details;
}

export function notFound(resource: ResourceDefinition, name: string): Status {
  return failure(
    404,
    "NotFound",
    `${qualifiedPlural(resource)} "${name}" not found`,
    resourceDetails(resource, name),
  );
}

export function alreadyExists(resource: ResourceDefinition, name: string): Status {
  return failure(
    409,
    "AlreadyExists",
    `${qualifiedPlural(resource)} "${name}" already exists`,
    resourceDetails(resource, name),
  );
}

export function conflict(resource: ResourceDefinition, name: string, why?: string): Status {
  return failure(
    409,
    "Conflict",
    `Operation cannot be fulfilled on ${qualifiedPlural(resource)} "${name}": ${
      why ?? "the object has been modified; please apply your changes to the latest version and try again"
    }`,
    resourceDetails(resource, name),
  );
}

export function badRequest(message: string): Status {
  return failure(400, "BadRequest", message);
}

export function invalid(resource: ResourceDefinition, name: string, field: string, message: string): Status {
  return failure(422, "Invalid", `${resource.kind} "${name}" is invalid: ${field}: ${message}`, {
    ...resourceDetails(resource, name),
    kind: resource.kind,
    causes: [{ reason: "FieldValueInvalid", message, field }],
  });
}

export function invalidRequest(message: string): Status {
  return failure(422, "Invalid", message);
}

export function pathNotFound(): Status {
  return failure(404, "NotFound", "the server could not find the requested resource", {
    causes: [{ reason: "UnexpectedServerResponse", message: "404 page not found" }],
  });
}

export function methodNotAllowed(method: string): Status {
  return failure(
    405,
    "MethodNotAllowed",
    `the server does not allow this method on the requested resource (${method})`,
  );
}

export function unsupportedMediaType(contentType: string): Status {
  return failure(
    415,
    "UnsupportedMediaType",
    `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json (got ${contentType})`,
  );
}

/** What a list at a compacted resourceVersion gets. */
export function listExpired(): Status {
  return failure(410, "Expired", "The resourceVersion for the provided list is too old.");
}

export function continueExpired(): Status {
  return failure(
    410,
    "Expired",
    "The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter.",
  );
}

/** What a watch from a compacted resourceVersion gets, as the object of an in-stream ERROR event. */
export function watchExpired(requested: number | string, oldest: number | string): Status {
  return failure(410, "Expired", `too old resource version: ${requested} (${oldest})`);
}

export function tooManyRequests(retryAfterSeconds: number): Status {
  return failure(429, "TooManyRequests", "Too many requests, please try again later.", {
    retryAfterSeconds,
  });
}

export function tooLargeResourceVersion(requested: string | number, current: string | number): Status {
  return failure(504, "Timeout", `Timeout: Too large resource version: ${requested}, current: ${current}`, {
    causes: [{ reason: "ResourceVersionTooLarge", message: "Too large resource version" }],
    retryAfterSeconds: 1,
  });
}

export function gatewayTimeout(): Status {
  return failure(504, "Timeout", "Timeout: request did not complete within the allotted timeout", {
    retryAfterSeconds: 1,
  });
}

export function deleted(resource: ResourceDefinition, name: string, uid: string | undefined): Status {
  const details = resourceDetails(resource, name);
  if (uid !== undefined) details.uid = uid;
  return { kind: "Status", apiVersion: "v1", metadata: {}, status: "Success", details, code: 200 };
}
