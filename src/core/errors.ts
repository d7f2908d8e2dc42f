/**
 * "Cannot continue" errors: a small closed set with stable codes, caught in
 * one place (the CLI entry), printed without a stack trace. Anything else that
 * reaches the top is an internal error (a bug), with its own exit code.
 */
export type ErrorCode = 'usage' | 'io' | 'template' | 'cluster' | 'internal';

export class NixpodError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly hint?: string,
  ) {
    super(message);
    this.name = 'NixpodError';
  }
}

export class UsageError extends NixpodError {
  constructor(message: string, hint?: string) {
    super('usage', message, hint);
  }
}

export class RenderError extends NixpodError {}

export class IoError extends NixpodError {
  constructor(message: string, hint?: string) {
    super('io', message, hint);
  }
}
