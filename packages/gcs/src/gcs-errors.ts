import { ExportError, isExportError, isRetryableStatus, parseRetryAfter } from '@ff/exporter-core';

/** What one upload got to, for telling its failures apart. */
export interface UploadTrace {
  bucket: string;
  name: string;
  resumable: boolean;
  /** The resumable session was created (its URI came back): a 404 after that is the session, not the bucket. */
  sessionStarted: boolean;
  /** The last HTTP answer the SDK reported (resumable uploads report each one). */
  response?: { status?: number; headers?: Record<string, unknown> };
}

/** The fields the SDK's errors carry, whichever layer threw them (ApiError, GaxiosError, node-fetch). */
interface SdkError {
  message?: unknown;
  code?: unknown;
  status?: unknown;
  response?: { status?: unknown; statusCode?: unknown; headers?: Record<string, unknown> };
}

/**
 * Turns an upload failure into an ExportError core can act on, or `'exists'` for a failed
 * precondition (412: an object of that name is already there).
 */
export function classifyUploadError(
  err: unknown,
  trace: UploadTrace,
  signal: AbortSignal,
  endpoint: () => string,
): ExportError | 'exists' {
  const where = `object '${trace.name}' in bucket '${trace.bucket}'`;
  if (signal.aborted) {
    const reason = signal.reason instanceof Error ? signal.reason.message : String(signal.reason);
    return new ExportError(`upload of ${where} aborted: ${reason}`, { cause: signal.reason });
  }
  if (isExportError(err)) return err;
  const sdk = (typeof err === 'object' && err !== null ? err : {}) as SdkError;
  // The SDK's errors carry their request (URL with the session's upload_id, headers with the access
  // token): the cause handed to loggers is a summary of them instead.
  const cause = summary(err, sdk);
  const answered = trace.response?.status;
  const status = statusOf(sdk) ?? (answered !== undefined && answered >= 400 ? answered : undefined);
  const detail = redact(typeof sdk.message === 'string' ? sdk.message : String(err));
  if (status === undefined) {
    const code = typeof sdk.code === 'string' ? ` (${sdk.code})` : '';
    return new ExportError(
      `cannot upload ${where} to ${endpointOf(endpoint)}${code}: ${detail}; will retry`,
      { cause },
    );
  }
  if (status === 412) return 'exists';
  if (status === 404 && !trace.sessionStarted) {
    return new ExportError(
      `bucket '${trace.bucket}' does not exist (404 from ${endpointOf(endpoint)}): create it, or fix the bucket option`,
      { retryable: false, cause },
    );
  }
  if (status === 401 || status === 403) {
    return new ExportError(
      `access denied (${status}) writing ${where}: check the credentials (Application Default Credentials, GOOGLE_APPLICATION_CREDENTIALS, or storageOptions) and that they may create objects in the bucket`,
      { retryable: false, cause },
    );
  }
  const headers = sdk.response?.headers ?? trace.response?.headers;
  const retryAfter = headers?.['retry-after'];
  const retryAfterMs = parseRetryAfter(typeof retryAfter === 'string' ? retryAfter : undefined);
  // A resumable session that vanished (404 after it started) is worth a fresh upload: retryable.
  const retryable = isRetryableStatus(status) || status === 404;
  return new ExportError(
    `upload of ${where} failed with HTTP ${status}: ${detail}${retryable ? '; will retry' : ''}`,
    retryAfterMs === undefined ? { retryable, cause } : { retryable, retryAfterMs, cause },
  );
}

/** The SDK error's name, message (query strings cut), code and status: nothing of its request. */
function summary(err: unknown, sdk: SdkError): Error {
  const error = new Error(redact(typeof sdk.message === 'string' ? sdk.message : String(err)));
  if (err instanceof Error) error.name = err.name;
  const status = statusOf(sdk);
  return Object.assign(error, {
    ...(sdk.code === undefined ? {} : { code: sdk.code }),
    ...(status === undefined ? {} : { status }),
  });
}

function statusOf(err: SdkError): number | undefined {
  for (const value of [err.code, err.status, err.response?.status, err.response?.statusCode]) {
    if (typeof value === 'number' && Number.isInteger(value) && value >= 100) return value;
  }
  return undefined;
}

function endpointOf(endpoint: () => string): string {
  try {
    return endpoint();
  } catch {
    return 'Google Cloud Storage';
  }
}

/** Session URIs carry an upload_id that lets anyone write to the session: never log query strings. */
function redact(message: string): string {
  return message.replace(/(https?:\/\/[^\s?'"]+)\?[^\s'"]*/g, '$1?…');
}
