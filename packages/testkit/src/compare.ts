/** A conformance failure: what the sink holds differs from what the exporter was given. */
export class ConformanceError extends Error {
  override name = 'ConformanceError';
}

/** JSON with object keys sorted at every depth: equal values, equal strings, whatever the key order. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) return v;
    const sorted: Record<string, unknown> = {};
    for (const key of Object.keys(v).sort()) sorted[key] = (v as Record<string, unknown>)[key];
    return sorted;
  });
}

/** A value shortened for a failure message: a 1 MB value must not flood the report. */
export function preview(value: unknown, max = 240): string {
  const text = typeof value === 'string' ? JSON.stringify(value) : (canonicalJson(value) ?? String(value));
  return text.length > max ? `${text.slice(0, max)}… (${text.length} chars)` : text;
}

export interface ExactlyOnceResult<T> {
  /** Each received item with the expected item it matched. */
  matched: Array<{ expected: T; actual: unknown }>;
}

/**
 * Checks that `actual` holds every item of `expected` exactly once and nothing else, in any order,
 * items being equal when `key` gives the same string. Throws a ConformanceError naming what is
 * missing, duplicated and unexpected (a few of each, shortened).
 */
export function assertExactlyOnce<T>(
  label: string,
  expected: readonly T[],
  actual: readonly unknown[],
  key: (item: unknown) => string,
): ExactlyOnceResult<T> {
  const wanted = new Map<string, { item: T; left: number }>();
  for (const item of expected) {
    const k = key(item);
    const entry = wanted.get(k);
    if (entry) entry.left++;
    else wanted.set(k, { item, left: 1 });
  }
  const matched: Array<{ expected: T; actual: unknown }> = [];
  const duplicated: unknown[] = [];
  const unexpected: unknown[] = [];
  for (const item of actual) {
    const entry = wanted.get(key(item));
    if (!entry) unexpected.push(item);
    else if (entry.left === 0) duplicated.push(item);
    else {
      entry.left--;
      matched.push({ expected: entry.item, actual: item });
    }
  }
  const missing: T[] = [];
  for (const entry of wanted.values()) for (let i = 0; i < entry.left; i++) missing.push(entry.item);
  if (missing.length + duplicated.length + unexpected.length === 0) return { matched };

  const lines = [
    `${label}: expected ${expected.length} events exactly once, read back ${actual.length}: ` +
      `${missing.length} missing, ${duplicated.length} duplicated, ${unexpected.length} unexpected (changed or foreign)`,
  ];
  const show = (title: string, items: readonly unknown[]) => {
    if (items.length === 0) return;
    lines.push(`  ${title}:`);
    for (const item of items.slice(0, 3)) lines.push(`    ${preview(item)}`);
    if (items.length > 3) lines.push(`    … and ${items.length - 3} more`);
  };
  show('missing', missing);
  show('duplicated', duplicated);
  show('unexpected', unexpected);
  for (const line of changedFields(missing, unexpected)) lines.push(line);
  throw new ConformanceError(lines.join('\n'));
}

function userKeyOf(item: unknown): unknown {
  return typeof item === 'object' && item !== null ? (item as { userKey?: unknown }).userKey : undefined;
}

/** For missing events that came back changed (same userKey), the fields that differ. */
function changedFields(missing: readonly unknown[], unexpected: readonly unknown[]): string[] {
  const lines: string[] = [];
  let shown = 0;
  for (const want of missing) {
    const userKey = userKeyOf(want);
    if (userKey === undefined || shown === 3) continue;
    const got = unexpected.find((item) => userKeyOf(item) === userKey) as Record<string, unknown> | undefined;
    if (!got) continue;
    shown++;
    const expected = want as Record<string, unknown>;
    lines.push(`  changed on its way, userKey ${preview(userKey)}:`);
    for (const field of new Set([...Object.keys(expected), ...Object.keys(got)])) {
      const a = canonicalJson(expected[field]);
      const b = canonicalJson(got[field]);
      if (a !== b)
        lines.push(
          `    ${field}: expected ${preview(expected[field], 100)}, got ${preview(got[field], 100)}`,
        );
    }
  }
  return lines;
}
