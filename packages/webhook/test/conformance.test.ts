import { exporterConformance } from '@ff/exporter-testkit';
import { afterAll } from 'vitest';
import { WebhookExporter } from '../src/index.js';
import { startReceiver } from './receiver.js';

const receiver = await startReceiver();
afterAll(() => receiver.close());

for (const gzip of [false, true]) {
  exporterConformance({
    name: `WebhookExporter${gzip ? ' (gzip)' : ''}`,
    createExporter: (sink) =>
      new WebhookExporter({ endpointUrl: receiver.url(sink.id), secret: 'conformance-secret', gzip }),
    // What the receiver accepted: the events of every body answered 2xx, as parsed from the wire.
    readBack: (sink) => ({ events: receiver.events(sink.id) }),
    // A receiver that got a body before the exporter gave up on its answer gets it again: documented,
    // and dropped by the receiver with Idempotency-Key (tested in idempotency.test.ts).
    capabilities: { retryDuplicatesDocumentedForSink: true },
  });
}
