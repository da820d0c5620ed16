import type { RestError } from '@azure/storage-blob';
import { ExportError, isRetryableStatus, parseRetryAfter } from '@ff/exporter-core';

/** Where a request went, for messages: never the key, never a SAS token. */
export interface Target {
  container: string;
  /** The container's URL without its query string (a SAS token lives there). */
  endpoint: string;
}

/** A create-only write found the blob already there: Put Blob and Put Block List answer 409 BlobAlreadyExists. */
export function isAlreadyExists(err: unknown): boolean {
  const { statusCode, code } = restError(err) ?? {};
  // 412 ConditionNotMet would mean the same here, `ifNoneMatch: '*'` being the only condition sent.
  return (
    (statusCode === 409 && code === 'BlobAlreadyExists') || (statusCode === 412 && code === 'ConditionNotMet')
  );
}

/**
 * Turns an SDK failure into an ExportError core can act on: missing container and refused
 * credentials fail the batch at once (another attempt cannot help), other statuses by core's rule,
 * network failures are retried. Aborts and unknown errors pass through (core counts them retryable).
 */
export function classify(err: unknown, target: Target, blob: string): unknown {
  if ((err as Error)?.name === 'AbortError') return err;
  const tokenFailure = credentialFailure(err);
  if (tokenFailure) {
    return new ExportError(
      `no token for container '${target.container}': ${tokenFailure} (${firstLine(err)}). Pass accountKey, connectionString or a working credential, or configure DefaultAzureCredential's environment`,
      { retryable: false, cause: err },
    );
  }
  const rest = restError(err);
  if (!rest) return err;
  const { statusCode, code } = rest;
  const where = `container '${target.container}' at ${target.endpoint}`;
  if (statusCode === undefined) {
    return new ExportError(`cannot reach ${where} (${code ?? rest.message}): will retry`, { cause: err });
  }
  if (statusCode === 404 && code === 'ContainerNotFound') {
    return new ExportError(
      `${where} does not exist: create it (az storage container create --name ${target.container}) or fix the container option`,
      { retryable: false, cause: err },
    );
  }
  if (statusCode === 401 || statusCode === 403) {
    return new ExportError(
      `${where} refused the credentials (${statusCode} ${code ?? ''}): check accountName and accountKey, the connection string, or the credential's role (Storage Blob Data Contributor)`,
      { retryable: false, cause: err },
    );
  }
  const retryable = isRetryableStatus(statusCode);
  const retryAfterMs = parseRetryAfter(rest.response?.headers.get('retry-after'));
  return new ExportError(
    `writing blob '${blob}' to ${where} failed: ${statusCode} ${code ?? ''}${retryable ? ': will retry' : ''}`,
    { retryable, cause: err, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) },
  );
}

function restError(err: unknown): RestError | undefined {
  return (err as Error)?.name === 'RestError' ? (err as RestError) : undefined;
}

/**
 * @azure/identity's failures to get a token that another attempt cannot mend: no credential
 * configured, or the identity provider refusing it. Its network failures stay retryable.
 */
function credentialFailure(err: unknown): string | undefined {
  const { name, statusCode } = (err ?? {}) as { name?: string; statusCode?: number };
  if (name === 'CredentialUnavailableError' || name === 'AggregateAuthenticationError') {
    return 'no credential available';
  }
  if (name === 'AuthenticationError' && typeof statusCode === 'number' && !isRetryableStatus(statusCode)) {
    return `the identity provider refused it (${statusCode})`;
  }
  return undefined;
}

const firstLine = (err: unknown): string => String((err as Error)?.message ?? err).split('\n')[0] ?? '';
