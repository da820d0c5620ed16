import { hostname } from 'node:os';
import { describe, expect, it } from 'vitest';
import { DEFAULT_FILENAME, nextBatchId, ObjectNamer, processId } from '../src/index.js';

const CUT_AT = 1_617_970_547_123; // epoch ms; {{ .Timestamp}} is unix seconds

describe('ObjectNamer (DESIGN §5 names)', () => {
  it("uses GO Feature Flag's default template, with the batch id before the extension", () => {
    expect(DEFAULT_FILENAME).toBe('flag-variation-{{ .Hostname}}-{{ .Timestamp}}.{{ .Format}}');
    const namer = new ObjectNamer({ format: 'json' });
    expect(namer.name('ab12cd34-7', CUT_AT)).toBe(`flag-variation-${hostname()}-1617970547-ab12cd34-7.json`);
  });

  it('fills every placeholder: Hostname, Timestamp (seconds), Format, BatchId', () => {
    const namer = new ObjectNamer({
      format: 'csv',
      filename: '{{ .Hostname}}/{{.Format}}-{{ .Timestamp}}-{{ .BatchId}}.out',
    });
    expect(namer.name('p-1', CUT_AT)).toBe(`${hostname()}/csv-1617970547-p-1.out`);
  });

  it('does not add the batch id again when the template has {{ .BatchId}}', () => {
    const namer = new ObjectNamer({ format: 'json', filename: 'events-{{ .BatchId}}.{{ .Format}}' });
    expect(namer.name('p-9', CUT_AT)).toBe('events-p-9.json');
  });

  it('adds the batch id at the end of a name without an extension', () => {
    const namer = new ObjectNamer({ format: 'json', filename: '{{ .Format}}-test-{{ .Timestamp}}' });
    expect(namer.name('p-3', CUT_AT)).toBe('json-test-1617970547-p-3');
  });

  it('adds the batch id before the extension of the last path segment only', () => {
    const namer = new ObjectNamer({ format: 'json', filename: 'v1.2/events' });
    expect(namer.name('p-4', CUT_AT)).toBe('v1.2/events-p-4');
  });

  it('never gives two batches the same name, even in the same second', () => {
    const namer = new ObjectNamer({ format: 'json' });
    const names = new Set(Array.from({ length: 1_000 }, () => namer.name(nextBatchId(), CUT_AT)));
    expect(names.size).toBe(1_000);
  });

  it('batch ids carry a per-process id, so two processes on one host differ too', () => {
    expect(processId).toMatch(/^[0-9a-f]{8}$/);
    const id = nextBatchId();
    expect(id.startsWith(`${processId}-`)).toBe(true);
    expect(id).toMatch(/^[0-9a-f]{8}-\d+$/);
    const [, a] = id.split('-');
    const [, b] = nextBatchId().split('-');
    expect(Number(b)).toBeGreaterThan(Number(a));
  });

  it('joins a path with / and never leaves a leading slash', () => {
    const name = (path?: string) =>
      new ObjectNamer({
        format: 'json',
        filename: 'f.{{ .Format}}',
        ...(path === undefined ? {} : { path }),
      }).name('p-1', CUT_AT);
    expect(name()).toBe('f-p-1.json');
    expect(name('')).toBe('f-p-1.json');
    expect(name('exports/flags')).toBe('exports/flags/f-p-1.json');
    expect(name('/exports/flags/')).toBe('exports/flags/f-p-1.json');
    expect(name('/')).toBe('f-p-1.json');
  });

  it.each(['../x', '/abs/x', '\\abs', 'a/../../x', '..', 'a\\..\\x'])(
    'refuses the filename %j that escapes the output location',
    (filename) => {
      expect(() => new ObjectNamer({ format: 'json', filename })).toThrow(TypeError);
      expect(() => new ObjectNamer({ format: 'json', filename })).toThrow(/filename/);
    },
  );

  it.each(['../up', 'a/../../b', '..'])('refuses the path %j that escapes the output location', (path) => {
    expect(() => new ObjectNamer({ format: 'json', path })).toThrow(/path/);
  });

  it('refuses an unknown placeholder or an empty template, naming filename', () => {
    expect(() => new ObjectNamer({ format: 'json', filename: '{{ .InvalidField}}' })).toThrow(
      /filename.*InvalidField/,
    );
    expect(() => new ObjectNamer({ format: 'json', filename: '' })).toThrow(/filename/);
    expect(() => new ObjectNamer({ format: 'json', filename: '   ' })).toThrow(/filename/);
  });

  it('partitions by date placeholders in path, from unix seconds in UTC, zero-padded', () => {
    const namer = new ObjectNamer({
      format: 'json',
      filename: 'f-{{ .BatchId}}.json',
      path: 'y={{ .Year}}/{{ .Month}}/{{ .Day}}/{{ .Hour}}',
    });
    expect(namer.partitioned).toBe(true);
    const at = Date.UTC(2025, 0, 2, 3, 59, 59) / 1000;
    expect(namer.partition(at)).toBe('y=2025/01/02/03');
    expect(namer.partition(at + 1)).toBe('y=2025/01/02/04');
    expect(namer.partition(0)).toBe('y=1970/01/01/00');
    expect(namer.name('p-1', CUT_AT, namer.partition(at))).toBe('y=2025/01/02/03/f-p-1.json');
    expect(new ObjectNamer({ format: 'json', path: 'dt={{ .Date}}' }).partition(at)).toBe('dt=2025-01-02');
  });

  it.each([1.5, Number.NaN, Number.POSITIVE_INFINITY, '1700000000', undefined, null, 1e15, -1e15])(
    'has no partition for creationDate %j',
    (creationDate) => {
      expect(
        new ObjectNamer({ format: 'json', path: 'dt={{ .Date}}' }).partition(creationDate),
      ).toBeUndefined();
    },
  );

  it('needs the partition to name an object when the path has date placeholders', () => {
    const namer = new ObjectNamer({ format: 'json', path: 'dt={{ .Date}}' });
    expect(() => namer.name('p-1', CUT_AT)).toThrow(/partition/);
    // Without placeholders every event shares the one partition: the path.
    const plain = new ObjectNamer({ format: 'json', path: 'a/b', filename: 'f.json' });
    expect(plain.partitioned).toBe(false);
    expect(plain.partition('anything')).toBe('a/b');
    expect(plain.name('p-1', CUT_AT)).toBe('a/b/f-p-1.json');
  });

  it('appends the suffix (.gz) after the batch id and extension', () => {
    const namer = new ObjectNamer({ format: 'csv', suffix: '.gz' });
    expect(namer.name('p-2', CUT_AT)).toBe(`flag-variation-${hostname()}-1617970547-p-2.csv.gz`);
  });

  it('refuses a placeholder of filename in path and a date placeholder in filename, naming them', () => {
    expect(() => new ObjectNamer({ format: 'json', path: '{{ .Format}}' })).toThrow(
      /^path: unknown placeholder '\{\{ \.Format\}\}'/,
    );
    expect(() => new ObjectNamer({ format: 'json', filename: 'x-{{ .Hour}}.json' })).toThrow(
      /^filename: unknown placeholder '\{\{ \.Hour\}\}'.*date placeholders go in path/,
    );
  });
});
