/** The part of parquet-format's SchemaElement these schemas use (hyparquet-writer takes it as it is). */
export interface SchemaElement {
  name: string;
  type?: 'BYTE_ARRAY' | 'INT64' | 'BOOLEAN';
  converted_type?: 'UTF8' | 'MAP' | 'MAP_KEY_VALUE';
  repetition_type?: 'REQUIRED' | 'REPEATED';
  num_children?: number;
}

// GO Feature Flag's Parquet schema (its `parquet:"…"` struct tags in exporter/feature_event.go and
// exporter/tracking_event.go): every column REQUIRED, strings BYTE_ARRAY/UTF8, creationDate INT64,
// default BOOLEAN, value the flag value's JSON text, maps MAP<UTF8, UTF8>. Same column names, same order.

const string = (name: string): SchemaElement => ({
  name,
  type: 'BYTE_ARRAY',
  converted_type: 'UTF8',
  repetition_type: 'REQUIRED',
});

const map = (name: string): SchemaElement[] => [
  { name, repetition_type: 'REQUIRED', converted_type: 'MAP', num_children: 1 },
  { name: 'key_value', repetition_type: 'REPEATED', converted_type: 'MAP_KEY_VALUE', num_children: 2 },
  string('key'),
  string('value'),
];

const creationDate: SchemaElement = { name: 'creationDate', type: 'INT64', repetition_type: 'REQUIRED' };

const root = (columns: SchemaElement[], count: number): SchemaElement[] => [
  { name: 'schema', num_children: count },
  ...columns,
];

/** Feature events: kind, contextKind, userKey, creationDate, key, variation, value, default, version, source, metadata. */
export const FEATURE_COLUMNS = [
  'kind',
  'contextKind',
  'userKey',
  'creationDate',
  'key',
  'variation',
  'value',
  'default',
  'version',
  'source',
  'metadata',
] as const;

export const featureSchema: SchemaElement[] = root(
  [
    string('kind'),
    string('contextKind'),
    string('userKey'),
    creationDate,
    string('key'),
    string('variation'),
    string('value'),
    { name: 'default', type: 'BOOLEAN', repetition_type: 'REQUIRED' },
    string('version'),
    string('source'),
    ...map('metadata'),
  ],
  FEATURE_COLUMNS.length,
);

/** Tracking events: kind, contextKind, userKey, creationDate, key, evaluationContext, trackingEventDetails. */
export const TRACKING_COLUMNS = [
  'kind',
  'contextKind',
  'userKey',
  'creationDate',
  'key',
  'evaluationContext',
  'trackingEventDetails',
] as const;

export const trackingSchema: SchemaElement[] = root(
  [
    string('kind'),
    string('contextKind'),
    string('userKey'),
    creationDate,
    string('key'),
    ...map('evaluationContext'),
    ...map('trackingEventDetails'),
  ],
  TRACKING_COLUMNS.length,
);
