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

/** The candidate a mistyped key most likely meant, if one is close enough to say so. */
export function closest(key: string, candidates: readonly string[]): string | undefined {
  const wanted = key.toLowerCase();
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(wanted.length / 4)) + 1;
  for (const candidate of candidates) {
    const distance = editDistance(wanted, candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

export function didYouMean(key: string, candidates: readonly string[]): string {
  const guess = closest(key, candidates);
  return guess === undefined ? '' : ` (did you mean "${guess}"?)`;
}

/** Levenshtein distance, two rows. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1);
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, substitution);
    }
    previous = current;
  }
  return previous[b.length]!;
}

export function isMap(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
