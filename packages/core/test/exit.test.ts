// The flush timer never holds a process open, and events still buffered at natural exit are exported
// (DESIGN §4.6). Checked in child processes running the built package: the root test command builds
// before testing; run `pnpm exec tsdown` in packages/core to run these on their own.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { makeDataExporter, RecordingExporter } from './helpers.js';

const dist = fileURLToPath(new URL('../dist/index.mjs', import.meta.url));
const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
const built = existsSync(dist);
const needsDist = built ? '' : ' [SKIPPED: packages/core/dist/index.mjs is missing; build core first]';

/** Runs a fixture; a process still alive after `limitMs` is killed and reported as such. */
function run(name: string, args: string[] = [], limitMs = 10_000) {
  const started = Date.now();
  return new Promise<{ code: number | null; stdout: string; stderr: string; ms: number; killed: boolean }>(
    (resolve) => {
      execFile(process.execPath, [fixture(name), ...args], { timeout: limitMs }, (error, stdout, stderr) => {
        resolve({
          code: error ? ((error as { code?: number }).code ?? null) : 0,
          killed: Boolean(error && (error as { killed?: boolean }).killed),
          stdout,
          stderr,
          ms: Date.now() - started,
        });
      });
    },
  );
}

const activeTimers = () => process.getActiveResourcesInfo().filter((type) => type === 'Timeout').length;

describe('process exit', () => {
  it('the flush timer does not keep the event loop alive (in process)', async () => {
    const before = activeTimers();
    const de = makeDataExporter({ exporter: new RecordingExporter(), flushIntervalMs: 3_600_000 });
    expect(activeTimers()).toBe(before);
    await de.close({ timeoutMs: 1_000 });
  });

  it.skipIf(!built)(
    `a process with an idle DataExporter exits promptly${needsDist}`,
    async () => {
      for (const args of [[], ['no-exit-hook']]) {
        const result = await run('idle.mjs', args);
        expect(result.killed, `still running after 10 s (${args.join(' ')})`).toBe(false);
        expect(result.code, result.stderr).toBe(0);
        expect(result.stdout).toBe('ready\n');
        expect(result.ms).toBeLessThan(5_000);
      }
    },
    30_000,
  );

  it.skipIf(!built)(
    `events added before natural exit are exported once (beforeExit, re-entry guarded), with no signal handlers${needsDist}`,
    async () => {
      const result = await run('natural-exit.mjs');
      expect(result.killed).toBe(false);
      expect(result.code, result.stderr).toBe(0);
      const lines = result.stdout.trimEnd().split('\n');
      expect(lines.filter((line) => line.startsWith('exported'))).toEqual(['exported flag-0,flag-1,flag-2']);
      const summary = /beforeExit=(\d+) closes=(\d+) signalHandlers=(\d+)/.exec(result.stdout);
      expect(summary, result.stdout).not.toBeNull();
      // beforeExit fired again after the export's async work, yet close() ran once.
      expect(Number(summary![1])).toBeGreaterThanOrEqual(2);
      expect(Number(summary![2])).toBe(1);
      expect(Number(summary![3])).toBe(0);
      expect(result.stdout).toContain('"received":3,"exported":3');
    },
    15_000,
  );

  it.skipIf(!built)(
    `a sink answering Retry-After: 60 does not hold a finished script past its 2 s close deadline${needsDist}`,
    async () => {
      const result = await run('retry-after-exit.mjs', [], 20_000);
      expect(result.killed, 'still running after 20 s').toBe(false);
      expect(result.code, result.stderr).toBe(0);
      expect(result.ms).toBeLessThan(5_000);
      // One attempt, then the last one at close (the Retry-After ends past the deadline), then failed.
      expect(result.stdout).toContain('attempts=2');
      expect(result.stdout).toContain('"received":1,"exported":0,"dropped":0,"failed":1,"pending":0');
    },
    30_000,
  );

  it.skipIf(!built)(
    `at natural exit a Retry-After that ends before the deadline is waited out and the batch delivered${needsDist}`,
    async () => {
      const result = await run('close-retry-after-exit.mjs');
      expect(result.killed).toBe(false);
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout).toContain('attempts=2');
      expect(result.stdout).toContain('"received":1,"exported":1,"dropped":0,"failed":0,"pending":0');
    },
    15_000,
  );
});
