import { ExportError, isExportError, isRetryableStatus, parseRetryAfter } from '@ff/exporter-core';

/** What an SDK error looks like from outside: a service exception, a network error or a credential error. */
interface SdkError {
  /** A service exception's error code (`NoSuchBucket`), or an Error's class name. */
  name?: string;
  /** Node's network error code (`ECONNREFUSED`). */
  code?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number };
  $response?: { statusCode?: number; headers?: Record<string, string | undefined> };
}

/** Error codes S3 answers a create-only write with when the object is there (or being written). */
const CONFLICTS = new Set(['PreconditionFailed', 'ConditionalRequestConflict']);

/** Error codes that mean the credentials are wrong or not allowed: another attempt cannot help. */
const CREDENTIALS = new Set([
  'InvalidAccessKeyId',
  'SignatureDoesNotMatch',
  'AccessDenied',
  'ExpiredToken',
  'InvalidToken',
  'TokenRefreshRequired',
  'AllAccessDisabled',
  'AccountProblem',
]);

const statusOf = (err: SdkError): number | undefined =>
  err.$metadata?.httpStatusCode ?? err.$response?.statusCode;

/** True when S3 refused a create-only write because the key exists: 412 PreconditionFailed, 409 ConditionalRequestConflict. */
export function isConflict(err: unknown): boolean {
  const e = err as SdkError;
  return CONFLICTS.has(e?.name ?? '') || statusOf(e) === 412;
}

/**
 * Turns an SDK error into an ExportError whose message names the bucket, the endpoint and what to do.
 * Never includes a credential: only the error code and the SDK's message, which holds none.
 */
export function toExportError(
  err: unknown,
  where: { bucket: string; key: string; endpoint: string },
  signal: AbortSignal,
): unknown {
  if (isExportError(err)) return err;
  const e = (err ?? {}) as SdkError;
  const target = `S3 bucket '${where.bucket}' (${where.endpoint})`;
  if (signal.aborted) {
    const reason = signal.reason instanceof Error ? signal.reason.message : String(signal.reason);
    return new ExportError(`upload of '${where.key}' to ${target} aborted: ${reason}`, { cause: err });
  }
  if (e.name === 'CredentialsProviderError') {
    return new ExportError(
      `no AWS credentials for ${target} (${e.message}): set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, AWS_PROFILE, or clientConfig.credentials`,
      { retryable: false, cause: err },
    );
  }
  if (/region is missing/i.test(e.message ?? '')) {
    return new ExportError(`no AWS region for ${target}: set AWS_REGION or clientConfig.region`, {
      retryable: false,
      cause: err,
    });
  }
  const status = statusOf(e);
  // Not from the SDK nor the network (the encoder failed, say): its own message says it best.
  if (e.$metadata === undefined && status === undefined && typeof e.code !== 'string') return err;
  const code = (e.name !== 'Error' ? e.name : undefined) ?? e.code ?? 'Error';
  const detail = `${code}${status === undefined ? '' : ` ${status}`}: ${e.message ?? String(err)}`;
  if (code === 'NoSuchBucket') {
    return new ExportError(`${target} does not exist (${detail}): create it, or fix the bucket option`, {
      retryable: false,
      cause: err,
    });
  }
  if (CREDENTIALS.has(code) || status === 401 || status === 403) {
    return new ExportError(
      `${target} refused the credentials (${detail}): check the access key, secret and permissions (s3:PutObject) of the client`,
      { retryable: false, cause: err },
    );
  }
  if (status !== undefined) {
    const retryable = isRetryableStatus(status);
    const options: ConstructorParameters<typeof ExportError>[1] = { retryable, cause: err };
    const retryAfterMs = parseRetryAfter(e.$response?.headers?.['retry-after']);
    if (retryAfterMs !== undefined) options.retryAfterMs = retryAfterMs;
    return new ExportError(
      `${target} answered ${detail}${retryable ? ': will retry' : `: not retried (writing '${where.key}')`}`,
      options,
    );
  }
  // No answer at all: refused, reset, timed out. The network may come back.
  return new ExportError(`cannot reach ${target} (${detail}): will retry`, { cause: err });
}
