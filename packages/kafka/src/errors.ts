/** What a client error means for the batch: retry it or not, with a fresh producer or not. */
export interface Classified {
  retryable: boolean;
  /** The producer's sequence state can no longer be trusted: start a new producer before the next send. */
  reset: boolean;
  /** The broker refused the records' size (MESSAGE_TOO_LARGE, RECORD_LIST_TOO_LARGE). */
  tooLarge: boolean;
  /** The topic does not exist (or the client may not see it). */
  unknownTopic: boolean;
  /** The broker answered that it is not the partition's leader (any more, or yet): resend after a metadata refresh. */
  staleMetadata: boolean;
  /** What went wrong, for a person: the broker's error names and the deepest message. */
  reason: string;
}

interface ClientError {
  message?: string;
  code?: string;
  apiId?: string;
  canRetry?: boolean;
  serverErrorMessage?: string | null;
  errors?: unknown[];
  cause?: unknown;
}

// Errors that another attempt will not fix: fail the batch at once.
const FINAL = new Set([
  'TOPIC_AUTHORIZATION_FAILED',
  'CLUSTER_AUTHORIZATION_FAILED',
  'TRANSACTIONAL_ID_AUTHORIZATION_FAILED',
  'SASL_AUTHENTICATION_FAILED',
  'UNSUPPORTED_SASL_MECHANISM',
  'ILLEGAL_SASL_STATE',
  'INVALID_TOPIC_EXCEPTION',
  'INVALID_REQUIRED_ACKS',
  'UNSUPPORTED_VERSION',
  'UNSUPPORTED_FOR_MESSAGE_FORMAT',
  'UNSUPPORTED_COMPRESSION_TYPE',
  'INVALID_RECORD',
  'CORRUPT_MESSAGE',
  'POLICY_VIOLATION',
]);
// The broker no longer agrees with the producer's id, epoch or sequence numbers.
const RESET = new Set([
  'OUT_OF_ORDER_SEQUENCE_NUMBER',
  'UNKNOWN_PRODUCER_ID',
  'INVALID_PRODUCER_EPOCH',
  'PRODUCER_FENCED',
  'INVALID_PRODUCER_ID_MAPPING',
]);
const TOO_LARGE = new Set(['MESSAGE_TOO_LARGE', 'RECORD_LIST_TOO_LARGE']);
const STALE = new Set([
  'NOT_LEADER_OR_FOLLOWER',
  'LEADER_NOT_AVAILABLE',
  'UNKNOWN_TOPIC_OR_PARTITION',
  'FENCED_LEADER_EPOCH',
]);
// The client's own codes that no retry fixes: bad credentials, bad options, unsupported features.
const FINAL_CODES = new Set([
  'PLT_KFK_AUTHENTICATION',
  'PLT_KFK_USER',
  'PLT_KFK_UNSUPPORTED',
  'PLT_KFK_UNSUPPORTED_API',
  'PLT_KFK_UNSUPPORTED_COMPRESSION',
]);

/** Every error in the tree the client built (MultipleErrors of retries, ResponseErrors of partitions, causes). */
function flatten(error: unknown, out: ClientError[] = [], depth = 0): ClientError[] {
  if (typeof error !== 'object' || error === null || depth > 8) return out;
  const e = error as ClientError;
  out.push(e);
  if (Array.isArray(e.errors)) for (const inner of e.errors) flatten(inner, out, depth + 1);
  if (e.cause !== undefined) flatten(e.cause, out, depth + 1);
  return out;
}

export function classify(error: unknown): Classified {
  const all = flatten(error);
  const ids = [...new Set(all.map((e) => e.apiId).filter((id): id is string => typeof id === 'string'))];
  const leaves = all.filter((e) => !Array.isArray(e.errors) || e.errors.length === 0);
  const deepest = leaves.at(-1) ?? all.at(-1);
  const message =
    deepest?.serverErrorMessage ||
    deepest?.message ||
    (error instanceof Error ? error.message : String(error));
  const reason = ids.length > 0 ? `${ids.join(', ')}: ${message}` : message;
  // The client turns the broker's UNKNOWN_TOPIC_OR_PARTITION in metadata into a UserError of its own.
  const unknownTopic =
    ids.includes('UNKNOWN_TOPIC_OR_PARTITION') ||
    all.some((e) => e.code === 'PLT_KFK_USER' && /^Unknown topic /.test(e.message ?? ''));
  const tooLarge = ids.some((id) => TOO_LARGE.has(id));
  const final =
    tooLarge ||
    ids.some((id) => FINAL.has(id)) ||
    all.some((e) => typeof e.code === 'string' && FINAL_CODES.has(e.code) && e.apiId === undefined);
  return {
    retryable: !final,
    reset: ids.some((id) => RESET.has(id)),
    tooLarge,
    unknownTopic,
    staleMetadata: ids.length > 0 && ids.every((id) => STALE.has(id)),
    reason,
  };
}
