import { readFile, stat } from "node:fs/promises";
import { ConnectError, describeError } from "./connect-error.js";

/**
 * The password in `path`, trimmed. Errors and the warning name the path only: a password file's
 * content never reaches the output.
 */
export async function readPasswordFile(path: string, warn: (message: string) => void): Promise<string> {
  let text: string;
  let mode: number;
  try {
    [text, { mode }] = await Promise.all([readFile(path, "utf8"), stat(path)]);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new ConnectError(`cannot read --password-file ${path}: ${code ?? describeError(err)}`);
  }
  // Windows has no POSIX mode bits: stat reports 0o666 for any writable file.
  if (process.platform !== "win32" && (mode & 0o077) !== 0) {
    const shown = (mode & 0o777).toString(8).padStart(4, "0");
    warn(`--password-file ${path} can be read or written by other users (mode ${shown}); chmod 600 it`);
  }
  const password = text.trim();
  if (password === "") throw new ConnectError(`--password-file ${path} is empty`);
  return password;
}
