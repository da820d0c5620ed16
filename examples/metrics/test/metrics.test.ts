import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';

const main = fileURLToPath(new URL('../main.mjs', import.meta.url));

it('prints counters that agree with what the DataExporters did', async () => {
  const { stdout } = await promisify(execFile)(process.execPath, [main], { timeout: 30_000 });
  const value = (metric: string, exporter: string) =>
    Number(new RegExp(`^${metric}\\{exporter="${exporter}"\\} (\\d+)$`, 'm').exec(stdout)?.[1]);
  // 500 events to 'flaky': every batch of 100 delivered, one retry per failed first attempt.
  expect(value('ff_exporter_exported_events_total', 'flaky')).toBe(500);
  expect(value('ff_exporter_retried_events_total', 'flaky')).toBeGreaterThanOrEqual(100);
  // 'tiny' (a stalled sink, bound 20) held 20 and dropped 480.
  expect(value('ff_exporter_dropped_events_total', 'tiny')).toBe(480);
  expect(value('ff_exporter_pending_events', 'tiny')).toBe(20);
  expect(value('ff_exporter_pending_events', 'flaky')).toBe(0);
}, 60_000);
