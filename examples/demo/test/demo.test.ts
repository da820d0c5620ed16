import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const main = join(import.meta.dirname, '..', 'dist', 'main.mjs');

const jsonLines = (dir: string) =>
  readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .flatMap((f) => readFileSync(join(dir, f), 'utf8').split('\n').filter(Boolean))
    .map((line) => JSON.parse(line) as Record<string, unknown>);

describe.skipIf(!existsSync(main))('the demo', () => {
  it('exports every evaluation as JSON Lines, CSV and Parquet and every tracking event, and reads the same counts back', () => {
    const outputDir = join(mkdtempSync(join(tmpdir(), 'ff-demo-')), 'out');
    const output = execFileSync(
      process.execPath,
      [main, '--evaluations', '20000', '--output-dir', outputDir],
      {
        encoding: 'utf8',
      },
    );
    expect(output).toMatch(/^json\s+20,000\s+20,000\s+0\s+0\s+\d+\s+[\d,]+\s+every event, counts match$/m);
    expect(output).toMatch(/^csv\s+20,000\s+20,000\s+0\s+0\s+\d+\s+[\d,]+\s+every event, counts match$/m);
    expect(output).toMatch(/^parquet\s+20,000\s+20,000\s+0\s+0\s+\d+\s+[\d,]+\s+every event, counts match$/m);
    expect(output).toMatch(
      /DuckDB reading the Parquet files\n(.*\n)*\s+retired-flag\s+SdkDefault 3,333 \(100\.0%\)/,
    );
    expect(readdirSync(join(outputDir, 'evaluations', 'csv')).some((f) => f.endsWith('.csv'))).toBe(true);
    expect(readdirSync(join(outputDir, 'evaluations', 'parquet')).some((f) => f.endsWith('.parquet'))).toBe(
      true,
    );

    // The evaluations, as GO Feature Flag's file exporter writes them: the flag's version included.
    const evaluations = jsonLines(join(outputDir, 'evaluations', 'json'));
    expect(evaluations).toHaveLength(20_000);
    expect(evaluations.find((e) => e.key === 'new-checkout' && e.default === false)).toMatchObject({
      kind: 'feature',
      version: '4',
      source: 'SERVER',
    });
    expect(
      evaluations.filter((e) => e.key === 'retired-flag').every((e) => e.variation === 'SdkDefault'),
    ).toBe(true);
    expect(output).toContain('"kind": "feature"');

    // client.track() calls land in their own folder, as many as the demo tracked, with their details.
    const tracked = Number(/([\d,]+) checkouts tracked/.exec(output)?.[1]?.replaceAll(',', ''));
    expect(tracked).toBeGreaterThan(0);
    const tracking = jsonLines(join(outputDir, 'tracking'));
    expect(tracking).toHaveLength(tracked);
    expect(tracking.every((e) => e.kind === 'tracking' && e.key === 'checkout')).toBe(true);
    expect(tracking[0]?.trackingEventDetails).toEqual({ amount: expect.any(Number) });
    expect(output).toMatch(
      /^tracking\s+[\d,]+\s+[\d,]+\s+0\s+0\s+\d+\s+[\d,]+\s+every event, counts match$/m,
    );
    expect(output).toContain(
      `Tracking events read back from ${join(outputDir, 'tracking')}: ${tracked.toLocaleString('en-US')}`,
    );
  });

  it('prints its usage with --help', () => {
    const output = execFileSync(process.execPath, [main, '--help'], { encoding: 'utf8' });
    for (const option of ['--evaluations', '--users', '--output-dir', '--config'])
      expect(output).toContain(option);
  });

  it.each([
    [['--users', 'many'], "--users must be a positive whole number, got 'many'"],
    [['--evaluations', '-5'], "--evaluations must be a positive whole number, got '-5'"],
    [['--user', '3'], "Unknown option '--user'"],
  ])('refuses %j with one clear line and exit code 2, no stack trace', (args, message) => {
    const run = spawnSync(process.execPath, [main, ...args], { encoding: 'utf8' });
    expect(run.status).toBe(2);
    expect(run.stderr.trim().split('\n')).toEqual([`demo: ${message} (see --help)`]);
    expect(run.stdout).toBe('');
  });
});
