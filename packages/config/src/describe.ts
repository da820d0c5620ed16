import { DEFAULT_MAX_EVENTS, type PlannedExporter } from './planned-exporter.js';

const MASK = '***';
/** Names (headers, nested options) whose values are credentials. */
const SENSITIVE = /auth|token|secret|key|cookie|signature|password|session/i;
const SECRET_OPTIONS = new Set(['secret', 'accountKey']);

/** The constructor options as printable text: secrets masked, `format` as the call it becomes. */
export function describeOptions(planned: PlannedExporter): string[] {
  const lines: string[] = [];
  for (const [option, value] of Object.entries(planned.options)) {
    let text: string;
    if (SECRET_OPTIONS.has(option)) text = MASK;
    else if (option === 'headers') {
      const headers = value as Record<string, string[]>;
      text = JSON.stringify(
        Object.fromEntries(
          Object.entries(headers).map(([name, list]) => [
            name,
            SENSITIVE.test(name) ? list.map(() => MASK) : list,
          ]),
        ),
      );
    } else if (option === 'format' && planned.parquet) {
      text = `parquet({ compression: '${planned.parquet.compression}' })`;
    } else {
      // Nested credentials (Kafka's sasl.password) are masked too.
      text =
        typeof value === 'string'
          ? value
          : JSON.stringify(value, (key, inner) => (SENSITIVE.test(key) ? MASK : inner));
    }
    lines.push(`${option}: ${text}`);
  }
  return lines;
}

/** The batching the DataExporter gets, defaults spelled out, and the memory bound that follows. */
export function describeBatching(planned: PlannedExporter): string {
  const { batching } = planned;
  // Kafka's exporter declares its own defaults (a short flush interval); core reads them at construction.
  const exporterDefault = planned.kind === 'kafka' ? `${planned.className}'s default` : undefined;
  const flush =
    batching.flushIntervalMs !== undefined
      ? String(batching.flushIntervalMs)
      : (exporterDefault ?? '60000 (default)');
  const size = batching.maxEventsInMemory ?? (exporterDefault === undefined ? DEFAULT_MAX_EVENTS : undefined);
  const sizeText =
    batching.maxEventsInMemory !== undefined ? String(size) : (exporterDefault ?? `${size} (default)`);
  const bound =
    batching.maxPendingEvents !== undefined
      ? String(batching.maxPendingEvents)
      : size === undefined
        ? exporterDefault!
        : `${2 * size} (2 × maxEventsInMemory)`;
  return (
    `eventType ${batching.eventType ?? 'feature'}, flushIntervalMs ${flush}, ` +
    `maxEventsInMemory ${sizeText}, maxPendingEvents ${bound}`
  );
}
