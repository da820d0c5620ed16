// Feeds a prom-client registry from core's diagnostics channels (counters, no polling) and from
// stats() at scrape time (the pending gauge). Call it once per process, before or after the
// DataExporters are made: the channels are global, and each message names its DataExporter.
import { diagnostics } from '@ff/exporter-core';
import { Counter, Gauge, Registry } from 'prom-client';

/** @param {{ stats(): Record<string, number> | Record<string, Record<string, number>> }[]} sources DataExporters or fanOuts */
export function exporterMetrics(sources, registry = new Registry()) {
  const counters = {};
  for (const kind of ['exported', 'failed', 'retried', 'dropped']) {
    counters[kind] = new Counter({
      name: `ff_exporter_${kind}_events_total`,
      help: `Evaluation events ${kind} (ff-exporter:${kind} diagnostics channel)`,
      labelNames: ['exporter'],
      registers: [registry],
    });
    diagnostics[kind].subscribe((message) =>
      counters[kind].inc({ exporter: message.exporter }, message.events),
    );
  }
  new Gauge({
    name: 'ff_exporter_pending_events',
    help: 'Events held now, buffered and in flight (stats().pending)',
    labelNames: ['exporter'],
    registers: [registry],
    collect() {
      this.reset();
      for (const source of sources) {
        const stats = source.stats();
        // A DataExporter's stats are flat; a fanOut's are keyed by member name.
        const members = typeof stats.pending === 'number' ? { [source.name]: stats } : stats;
        for (const [name, member] of Object.entries(members)) this.set({ exporter: name }, member.pending);
      }
    },
  });
  return registry;
}
