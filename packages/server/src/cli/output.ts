/** How CLI commands speak: results on stdout, one-line errors on stderr, exit codes that scripts can test. */
import { ConfigError } from '../config.js';
import { isAppError } from '../lib/errors.js';

/** An expected failure: printed as one line, exit code 1 (or the given code). */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

export function printLine(line = ''): void {
  process.stdout.write(`${line}\n`);
}

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** Prints a notice on stderr so that stdout stays machine-readable. */
export function notice(line: string): void {
  process.stderr.write(`${line}\n`);
}

/** Wraps a command action: any error becomes `ehc: error: <one line>` and a non-zero exit. */
export function action<Args extends unknown[]>(
  fn: (...args: Args) => Promise<void>,
): (...args: Args) => Promise<void> {
  return async (...args: Args) => {
    try {
      await fn(...args);
    } catch (error) {
      process.exitCode = error instanceof CliError ? error.exitCode : 1;
      process.stderr.write(`ehc: error: ${describeError(error)}\n`);
    }
  };
}

function describeError(error: unknown): string {
  if (error instanceof ConfigError) return `invalid configuration: ${error.issues.join('; ')}`;
  if (isAppError(error)) return `${error.message} [${error.code}]`;
  if (error instanceof Error) return error.message.split('\n')[0] ?? error.name;
  return String(error);
}
