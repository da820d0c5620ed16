// Readers for what the formats write: tests, demos and downstream checks read files back with them.
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Bytes as UTF-8 text; throws on invalid UTF-8 (a multi-byte character cut between chunks, say). */
export function decodeUtf8(bytes: Uint8Array | string): string {
  return typeof bytes === 'string' ? bytes : utf8.decode(bytes);
}

function excerpt(text: string, max = 120): string {
  return text.length > max ? `${text.slice(0, max)}… (${text.length} chars)` : text;
}

/**
 * Parses JSON Lines: one JSON value per `\n`-terminated line (the last terminator may be missing).
 * Strict: an empty line or invalid JSON throws with its line number. Invalid UTF-8 throws too.
 */
export function parseJsonLines(input: Uint8Array | string): unknown[] {
  const text = decodeUtf8(input);
  if (text === '') return [];
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines.map((line, i) => {
    if (line.trim() === '') throw new SyntaxError(`JSON Lines: line ${i + 1} is empty`);
    try {
      return JSON.parse(line);
    } catch (err) {
      throw new SyntaxError(
        `JSON Lines: line ${i + 1} is not JSON (${(err as Error).message}): ${excerpt(line)}`,
      );
    }
  });
}

/** One CSV record: its fields, unquoted, and its text as written (without the line terminator). */
export interface CsvRecord {
  fields: string[];
  raw: string;
}

export interface CsvParseOptions {
  /** Field separator. Default `;`, GO Feature Flag's. */
  separator?: string;
}

/**
 * Reads CSV the RFC 4180 way: fields quoted with `"` may hold the separator, `""` and line breaks;
 * records end with `\n` or `\r\n`. Strict: a quote inside an unquoted field or an unterminated
 * quoted field throws with the record number, as a corrupted row should.
 */
export function parseCsvRecords(input: Uint8Array | string, options: CsvParseOptions = {}): CsvRecord[] {
  const text = decodeUtf8(input);
  const separator = options.separator ?? ';';
  if (separator.length !== 1 || separator === '"' || separator === '\n' || separator === '\r') {
    throw new TypeError(
      `parseCsv: separator must be one character other than a quote or line break, got '${separator}'`,
    );
  }
  const records: CsvRecord[] = [];
  let fields: string[] = [];
  let field = '';
  let start = 0;
  let i = 0;
  let fieldStart = true;
  let quoted = false;
  const fail = (message: string): never => {
    throw new SyntaxError(
      `CSV record ${records.length + 1}: ${message}: ${excerpt(text.slice(start, i + 40))}`,
    );
  };
  const endRecord = (end: number, next: number) => {
    fields.push(field);
    records.push({ fields, raw: text.slice(start, end) });
    fields = [];
    field = '';
    fieldStart = true;
    quoted = false;
    start = next;
    i = next;
  };
  while (i < text.length) {
    const c = text[i] as string;
    if (fieldStart && c === '"') {
      // A quoted field: runs to the closing quote; `""` is a quote.
      quoted = true;
      fieldStart = false;
      i++;
      for (;;) {
        const close = text.indexOf('"', i);
        if (close === -1) fail('unterminated quoted field');
        field += text.slice(i, close);
        if (text[close + 1] === '"') {
          field += '"';
          i = close + 2;
        } else {
          i = close + 1;
          break;
        }
      }
      const after = text[i];
      if (
        after !== undefined &&
        after !== separator &&
        after !== '\n' &&
        !(after === '\r' && text[i + 1] === '\n')
      ) {
        fail(`text after a closing quote ('${after}')`);
      }
      continue;
    }
    if (c === separator) {
      fields.push(field);
      field = '';
      fieldStart = true;
      quoted = false;
      i++;
    } else if (c === '\n') {
      endRecord(i, i + 1);
    } else if (c === '\r' && text[i + 1] === '\n') {
      endRecord(i, i + 2);
    } else {
      if (c === '"' || quoted) fail('a quote inside an unquoted field');
      field += c;
      fieldStart = false;
      i++;
    }
  }
  if (start < text.length) endRecord(text.length, text.length);
  return records;
}

/** The fields of each CSV record (see parseCsvRecords). */
export function parseCsv(input: Uint8Array | string, options: CsvParseOptions = {}): string[][] {
  return parseCsvRecords(input, options).map((record) => record.fields);
}
