/**
 * One error base class for infrastructure failures. Failures of the program under
 * test are data (a Trace outcome, a Verdict), never exceptions.
 */
export class SemtraceError extends Error {
  readonly code: string;
  readonly isRetryable: boolean;

  constructor(message: string, options: { code: string; cause?: unknown; isRetryable?: boolean }) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = options.code;
    this.isRetryable = options.isRetryable ?? false;
  }
}

export interface SchemaIssue {
  path: string;
  message: string;
}

/** Bad config or bad input file: carries the schema issues so the CLI can print each with its path. */
export class ConfigError extends SemtraceError {
  readonly issues: SchemaIssue[];
  readonly source: string | undefined;

  constructor(message: string, options: { issues?: SchemaIssue[]; source?: string; cause?: unknown } = {}) {
    super(message, { code: "config", cause: options.cause });
    this.issues = options.issues ?? [];
    this.source = options.source;
  }
}

/** A sandbox that cannot start (missing bubblewrap, broken Pyodide install, ...). */
export class SandboxUnavailableError extends SemtraceError {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super(message, { code: "sandbox-unavailable", cause: options.cause });
  }
}

/** A data file that is neither in the data folder nor in the download cache. */
export class DataNotFoundError extends SemtraceError {
  readonly file: string;

  constructor(message: string, options: { file: string; cause?: unknown }) {
    super(message, { code: "data-not-found", cause: options.cause });
    this.file = options.file;
  }
}

/** An HTTP call to a model endpoint that failed. */
export class ApiCallError extends SemtraceError {
  readonly status: number | undefined;
  readonly url: string;
  readonly body: string | undefined;

  constructor(message: string, options: { url: string; status?: number; body?: string; isRetryable: boolean; cause?: unknown }) {
    super(message, { code: "api-call", cause: options.cause, isRetryable: options.isRetryable });
    this.status = options.status;
    this.url = options.url;
    this.body = options.body;
  }
}

/** Retries exhausted: keeps every attempt's error. */
export class RetryError extends SemtraceError {
  readonly errors: unknown[];

  constructor(message: string, options: { errors: unknown[] }) {
    super(message, { code: "retry", cause: options.errors.at(-1) });
    this.errors = options.errors;
  }
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
