import { meantKey } from '@ff/exporter-core';

/** A YAML map's entries under their canonical spelling: their relay proxy matches keys in any case. */
export interface NormalisedMap {
  /** Canonical key → value, for the keys found in `known`. */
  known: Map<string, unknown>;
  /** Keys as written that matched nothing in `known`. */
  unknown: string[];
  /** Canonical keys written more than once in different cases (`endpointUrl` and `endpointURL`). */
  repeated: string[];
}

export function normaliseKeys(map: Record<string, unknown>, known: readonly string[]): NormalisedMap {
  const canonical = new Map(known.map((key) => [key.toLowerCase(), key]));
  const result: NormalisedMap = { known: new Map(), unknown: [], repeated: [] };
  for (const [key, value] of Object.entries(map)) {
    const name = canonical.get(key.toLowerCase());
    if (name === undefined) result.unknown.push(key);
    else if (result.known.has(name)) result.repeated.push(name);
    else result.known.set(name, value);
  }
  return result;
}

/** ` (did you mean "x"?)` for a mistyped key, with core's guess (a near spelling), or nothing. */
export function didYouMean(key: string, candidates: readonly string[]): string {
  const guess = meantKey(key, candidates);
  return guess === undefined ? '' : ` (did you mean "${guess}"?)`;
}

export function isMap(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
