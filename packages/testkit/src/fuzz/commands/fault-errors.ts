import {
  ConnectionRefusedError,
  DatastoreError,
  OperationNotSupportedError,
  ResourceDoesNotExistError,
  ResourceExpiredError,
  TooManyRequestsError,
} from "@watchersyncer/core";

/** Every error class of the contract, by the short name a counterexample shows. */
export const FAULT_ERRORS = {
  expired: (): ResourceExpiredError => new ResourceExpiredError("fuzz: expired"),
  refused: (): ConnectionRefusedError => new ConnectionRefusedError("fuzz: connection refused"),
  "429": (): TooManyRequestsError => new TooManyRequestsError("fuzz: too many requests"),
  "429-retry-after": (): TooManyRequestsError =>
    new TooManyRequestsError("fuzz: too many requests", { retryAfterMs: 300 }),
  "not-supported": (): OperationNotSupportedError => new OperationNotSupportedError("fuzz: not supported"),
  "not-installed": (): ResourceDoesNotExistError => new ResourceDoesNotExistError("fuzz: not installed"),
  generic: (): DatastoreError => new DatastoreError("fuzz: generic failure"),
} as const;
export type FaultError = keyof typeof FAULT_ERRORS;
export const FAULT_NAMES = Object.keys(FAULT_ERRORS) as FaultError[];
