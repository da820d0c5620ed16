/**
 * JSON text of a flag value, as GO Feature Flag's `json.Marshal`: `null` for a missing value. Throws
 * for what JSON cannot carry (a BigInt, a cycle, a function), so the event is counted, not corrupted.
 */
export function jsonValue(value: unknown): string {
  if (value === undefined || value === null) return 'null';
  const type = typeof value;
  if (type === 'function' || type === 'symbol') throw new TypeError(`a ${type} value cannot be serialised`);
  return JSON.stringify(value) as string;
}
