export {
  DEFAULT_MAX_BATCH_BYTES,
  DEFAULT_TIMEOUT_MS,
  type WebhookExporterOptions,
} from './options.js';
export { WebhookExporter } from './webhook-exporter.js';
