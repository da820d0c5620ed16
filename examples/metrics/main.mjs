// Runnable: node examples/metrics/main.mjs. Exports events to a sink that fails now and then, and
// prints the Prometheus exposition of the metrics fed from core's diagnostics channels.
import { createFeatureEvent, DataExporter, ExportError, fanOut, silentLogger } from '@ff/exporter-core';
import { exporterMetrics } from './metrics.mjs';

let calls = 0;
const flaky = {
  isBulk: () => true,
  async export() {
    if (++calls % 3 === 1) throw new ExportError('503 Service Unavailable');
  },
};
const events = fanOut(
  new DataExporter({
    name: 'flaky',
    exporter: flaky,
    maxEventsInMemory: 100,
    maxPendingEvents: 1_000,
    logger: silentLogger,
    retry: { initialDelayMs: 10 },
  }),
  new DataExporter({
    name: 'tiny',
    exporter: { isBulk: () => true, export: () => new Promise(() => {}) },
    maxEventsInMemory: 10,
    logger: silentLogger,
  }),
);
const registry = exporterMetrics([events]);

for (let i = 0; i < 500; i++) {
  events.add(
    createFeatureEvent(
      'new-checkout',
      { targetingKey: `user-${i}` },
      { value: i % 2 === 0, variant: i % 2 === 0 ? 'on' : 'off' },
    ),
  );
}
await events.members[0].flush();
process.stdout.write(await registry.metrics());
await events.close({ timeoutMs: 100 });
