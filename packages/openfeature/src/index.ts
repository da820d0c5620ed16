export { DataExporterHook, type DataExporterHookOptions } from './data-exporter-hook.js';
export type { EventSink } from './event-sink.js';
export { type DataCollectionOptions, withDataCollection } from './with-data-collection.js';
