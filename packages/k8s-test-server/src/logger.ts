export type LogFields = Record<string, unknown>;

/**
 * Same shape as `Logger` in `@watchersyncer/core`, declared here so this package keeps zero
 * runtime and type dependencies; a core logger can be passed in as is.
 */
export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
}

const ignore = () => {};

export const silentLogger: Logger = { debug: ignore, info: ignore, warn: ignore, error: ignore };
