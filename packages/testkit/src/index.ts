export {
  type CsvParseOptions,
  type CsvRecord,
  decodeUtf8,
  parseCsv,
  parseCsvRecords,
  parseJsonLines,
} from '@ff/exporter-core';
export { type ConformanceCheck, conformanceChecks } from './checks.js';
export { assertExactlyOnce, ConformanceError, canonicalJson, type ExactlyOnceResult } from './compare.js';
export { exporterConformance } from './conformance.js';
export { type ExportContextOptions, exportContext, type LogEntry, recordingLogger } from './context.js';
export {
  type EdgeCaseGroup,
  edgeCaseEvents,
  edgeCaseGroups,
  type SampleEventOptions,
  sampleEvents,
  type UnserialisableBatch,
  unserialisableBatch,
} from './events.js';
export { GOFF_CSV_TEMPLATE, goffCsvField, goffCsvRow, goffCsvText, goffJsonRecord } from './expected.js';
export {
  type FaultMode,
  type FaultProxy,
  type FaultProxyConnections,
  type FaultProxyOptions,
  type LoseAnswersOptions,
  startFaultProxy,
} from './fault-proxy.js';
export type {
  ConformanceCapabilities,
  ConformanceFormat,
  ConformanceOptions,
  ReadBack,
  ReadBackHint,
  SinkContext,
  StoredObject,
} from './options.js';
export { readFolder } from './read-folder.js';
