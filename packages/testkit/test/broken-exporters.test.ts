import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  BlobExporter,
  type BlobStore,
  type ExportableEvent,
  type ExportContext,
  type Exporter,
  type ExportResult,
} from '@ff/exporter-core';
import { afterAll, describe, expect, it } from 'vitest';
import {
  type ConformanceCheck,
  type ConformanceOptions,
  conformanceChecks,
  readFolder,
} from '../src/index.js';
import { FolderStore, stallFolder, tempRoot } from './folder-store.js';

// The suite is only worth something if it fails broken exporters: each one here has one classic bug.
const root = await tempRoot('ff-testkit-broken-');
afterAll(() => root.removeAll());

function suite(
  createExporter: (dir: string) => Exporter,
  extra: Partial<ConformanceOptions> = {},
): ConformanceCheck[] {
  return conformanceChecks({
    name: 'broken',
    createExporter: (sink) => createExporter(root.folder(sink.id)),
    readBack: async (sink) => ({ objects: await readFolder(root.folder(sink.id)) }),
    cleanup: (sink) => root.remove(sink.id),
    ...extra,
  });
}

function check(checks: ConformanceCheck[], title: string): ConformanceCheck {
  const found = checks.find((c) => c.title.startsWith(title));
  if (!found) throw new Error(`no check titled '${title}…'`);
  return found;
}

/** Drops the last event of every batch. */
class DroppingExporter extends BlobExporter {
  override export(events: readonly ExportableEvent[], context: ExportContext): Promise<ExportResult> {
    return super.export(events.slice(0, -1), context);
  }
}

/** Not create-only: every attempt writes a new object, so a retry duplicates the batch. */
class AppendingStore implements BlobStore {
  #serial = 0;
  constructor(private readonly store: FolderStore) {}
  create(name: string, body: AsyncIterable<Uint8Array>, options: Parameters<BlobStore['create']>[2]) {
    return this.store.create(`${name}.${++this.#serial}`, body, options);
  }
}

/** The naive exporter: JSON.stringify per event, one file per call, whatever it holds. */
class NaiveExporter implements Exporter {
  constructor(
    private readonly dir: string,
    private readonly line: (event: ExportableEvent) => string = (event) => JSON.stringify(event),
  ) {}
  isBulk() {
    return true;
  }
  async export(events: readonly ExportableEvent[], context: ExportContext): Promise<void> {
    const body = events.map((event) => `${this.line(event)}\n`).join('');
    await mkdir(this.dir, { recursive: true });
    await writeFile(join(this.dir, `${context.batchId}.json`), body);
  }
}

/** Accepts batches, writes them "later", and forgets them on close(). */
class ForgetfulExporter extends NaiveExporter {
  readonly #timers = new Set<NodeJS.Timeout>();
  override async export(events: readonly ExportableEvent[], context: ExportContext): Promise<void> {
    const timer = setTimeout(() => void super.export(events, context), 3_600_000);
    this.#timers.add(timer);
  }
  async close(): Promise<void> {
    for (const timer of this.#timers) clearTimeout(timer);
  }
}

/** Never passes the attempt's signal down: a hung sink call blocks it until the sink answers. */
class SignalIgnoringExporter extends BlobExporter {
  override export(events: readonly ExportableEvent[], context: ExportContext): Promise<ExportResult> {
    return super.export(events, { ...context, signal: new AbortController().signal });
  }
}

/** Catches the abort but reports the batch as delivered anyway. */
class AbortSwallowingExporter extends BlobExporter {
  override async export(events: readonly ExportableEvent[], context: ExportContext): Promise<ExportResult> {
    try {
      return await super.export(events, context);
    } catch {
      return;
    }
  }
}

const goffFields = (event: ExportableEvent) => {
  // GO Feature Flag's rules, but the keys sorted: compatible only "after parsing".
  const record = JSON.parse(
    JSON.stringify({ ...event, version: 'version' in event ? (event.version ?? '') : undefined }),
  );
  if (!record.contextKind) delete record.contextKind;
  if (record.metadata && Object.keys(record.metadata).length === 0) delete record.metadata;
  if (record.kind === 'feature' && record.value === undefined) record.value = null;
  return JSON.stringify(Object.fromEntries(Object.entries(record).sort(([a], [b]) => a.localeCompare(b))));
};

describe('the conformance suite catches broken exporters', () => {
  it('an exporter that drops an event', async () => {
    const checks = suite((dir) => new DroppingExporter(new FolderStore(dir)));
    await expect(check(checks, 'edge cases: every value type').run()).rejects.toThrow(
      /1 missing, 0 duplicated/,
    );
    await expect(check(checks, 'a batch of 10,000').run()).rejects.toThrow(/1 missing/);
  });

  it('an exporter that ignores its AbortSignal: the attempt does not settle when it aborts', async () => {
    const checks = suite((dir) => new SignalIgnoringExporter(new FolderStore(dir)), {
      stallSink: (sink) => stallFolder(root.folder(sink.id)),
    });
    await expect(check(checks, 'an attempt settles within').run()).rejects.toThrow(
      /had not settled 2000 ms after its signal aborted \(sink stalled\)/,
    );
  });

  it('an exporter that resolves an aborted attempt: counted exported, never delivered', async () => {
    const checks = suite((dir) => new AbortSwallowingExporter(new FolderStore(dir)), {
      stallSink: (sink) => stallFolder(root.folder(sink.id)),
    });
    await expect(check(checks, 'an attempt settles within').run()).rejects.toThrow(
      /resolved .* although the sink was stalled/,
    );
  });

  it('an exporter that duplicates a retried batch', async () => {
    const checks = suite((dir) => new BlobExporter(new AppendingStore(new FolderStore(dir))));
    await expect(check(checks, 'a retried batch').run()).rejects.toThrow(/20 duplicated/);
  });

  it('an exporter that writes an object for an empty batch', async () => {
    const checks = suite((dir) => new NaiveExporter(dir));
    await expect(check(checks, 'an empty batch writes nothing').run()).rejects.toThrow(
      /found 0 event\(s\) in 1 object/,
    );
  });

  it('an exporter whose close() does not drain', async () => {
    const checks = suite((dir) => new ForgetfulExporter(dir));
    await expect(check(checks, 'close() drains').run()).rejects.toThrow(/250 missing/);
  });

  it('an exporter that loses its whole batch to one unserialisable event', async () => {
    const checks = suite((dir) => new NaiveExporter(dir));
    await expect(check(checks, 'unserialisable events').run()).rejects.toThrow(
      /"exported":0.*expected received 10, exported 6, failed 4.*BigInt/s,
    );
  });

  it('an exporter that changes fields: plain JSON.stringify omits version and keeps empty metadata', async () => {
    const checks = suite((dir) => new NaiveExporter(dir));
    await expect(check(checks, 'edge cases: fallbacks').run()).rejects.toThrow(
      /version: expected "", got undefined/,
    );
    await expect(check(checks, 'edge cases: metadata').run()).rejects.toThrow(
      /metadata: expected undefined, got \{\}/,
    );
  });

  it("an exporter that writes GO Feature Flag's fields in another key order", async () => {
    const checks = suite((dir) => new NaiveExporter(dir, goffFields));
    await expect(check(checks, 'edge cases: anonymous users').run()).rejects.toThrow(
      /keys out of GO Feature Flag's order/,
    );
  });

  it('a CSV exporter that does not quote (as GO Feature Flag)', async () => {
    const unquoted = (event: ExportableEvent) =>
      event.kind === 'feature'
        ? [
            event.kind,
            event.contextKind,
            event.userKey,
            event.creationDate,
            event.key,
            event.variation,
            event.value,
            event.default,
            event.source,
          ].join(';')
        : '';
    const checks = suite((dir) => new NaiveExporter(dir, unquoted), { format: 'csv' });
    await expect(check(checks, 'edge cases: quotes').run()).rejects.toThrow(
      /CSV record \d+: a quote inside an unquoted field/,
    );
  });
});

describe('capabilities', () => {
  it('switch a test off with the reason as its name, never a silent pass', () => {
    const checks = suite((dir) => new BlobExporter(new FolderStore(dir)), {
      capabilities: { createOnlyUnsupportedByEmulator: true, megabyteValueOverSinkLimit: true },
    });
    expect(check(checks, 'a retried batch').skip).toBe('createOnlyUnsupportedByEmulator');
    expect(check(checks, 'edge cases: a ~1 MB value').skip).toBe('megabyteValueOverSinkLimit');
    expect(checks.filter((c) => c.skip !== undefined)).toHaveLength(2);
  });

  it('refuse an unknown capability, so a typo never switches nothing off', () => {
    expect(() =>
      suite((dir) => new BlobExporter(new FolderStore(dir)), {
        capabilities: { createOnlyUnsuported: true } as never,
      }),
    ).toThrow(/unknown capability 'createOnlyUnsuported'/);
  });
});
