/** An error meant for the user: a stable `code`, and a message that says what was expected and what was found. */
export class RunmeterError extends Error {
  readonly code: string;
  /** Exit status the CLI uses when this error ends a command. */
  readonly exitCode: number;

  constructor(code: string, message: string, options: { cause?: unknown; exitCode?: number } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'RunmeterError';
    this.code = code;
    this.exitCode = options.exitCode ?? 1;
  }
}

/** A user-supplied value (flag, argument, file content) that is not what was expected. */
export class UsageError extends RunmeterError {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super('E_USAGE', message, { ...options, exitCode: 2 });
    this.name = 'UsageError';
  }
}

/** True when `error` is a Node system error with the given code (ENOENT, EACCES, ...). */
export function isErrnoError(error: unknown, code?: string): error is NodeJS.ErrnoException {
  return (
    error instanceof Error &&
    typeof (error as NodeJS.ErrnoException).code === 'string' &&
    (code === undefined || (error as NodeJS.ErrnoException).code === code)
  );
}
