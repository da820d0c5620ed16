import { isMap } from './keys.js';

/** A value the config got wrong: the message names the key as their relay proxy does. */
export class InvalidValue extends Error {}

/** Keys whose values are credentials (`secret`, `accountKey`, `kafka.config.Net.SASL.Password`). */
const SECRET_KEY = /secret|password|accountkey|token/i;

/** A value for a message: secrets are never shown. */
export function shown(key: string, value: unknown): string {
  if (SECRET_KEY.test(key)) return '(hidden)';
  if (isMap(value)) return 'a map';
  if (Array.isArray(value)) return 'a list';
  return typeof value === 'string' ? `"${value}"` : String(value);
}

function invalid(key: string, expected: string, value: unknown): never {
  throw new InvalidValue(`invalid exporter: "${key}" must be ${expected}, got ${shown(key, value)}`);
}

/** A string key; YAML numbers and booleans (`secret: 1234`) are taken as written. Empty is absent, as theirs. */
export function stringValue(key: string, value: unknown): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return invalid(key, 'a string', value);
}

/** `meta`: a map of strings. */
export function stringMap(key: string, value: unknown): Record<string, string> | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isMap(value)) return invalid(key, 'a map of strings', value);
  const map: Record<string, string> = {};
  for (const [name, entry] of Object.entries(value)) {
    const text = stringValue(`${key}.${name}`, entry ?? '');
    map[name] = text ?? '';
  }
  return map;
}

/** `headers`: their map of string lists; a single string is taken as a list of one. */
export function headerMap(key: string, value: unknown): Record<string, string[]> | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isMap(value)) return invalid(key, 'a map of string lists', value);
  const map: Record<string, string[]> = {};
  for (const [name, entry] of Object.entries(value)) {
    const list = Array.isArray(entry) ? entry : [entry];
    map[name] = list.map((item) => stringValue(`${key}.${name}`, item) ?? '');
  }
  return map;
}

/** `kafka.addresses`: a list, or their environment form, one comma-separated string. */
export function addressList(key: string, value: unknown): string[] | undefined {
  if (value === undefined || value === null) return undefined;
  const list = typeof value === 'string' ? value.split(',') : value;
  if (!Array.isArray(list)) return invalid(key, 'a list of host:port addresses', value);
  const addresses = list.map((item) => stringValue(key, item)?.trim() ?? '').filter((item) => item !== '');
  return addresses.length === 0 ? undefined : addresses;
}

/** Node's timers take at most 2^31 - 1 ms. */
const MAX_COUNT = 2_147_483_647;

/** `flushInterval`, `maxEventInMemory`, `maxPendingEvents`: a whole number; 0 (or absent) means the default, as theirs. */
export function countValue(key: string, value: unknown, unit: string): number | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const number = typeof value === 'string' && /^\s*\d+\s*$/.test(value) ? Number(value) : value;
  if (typeof number !== 'number' || !Number.isInteger(number) || number < 0 || number > MAX_COUNT) {
    return invalid(key, `a whole number of ${unit} from 0 to ${MAX_COUNT}`, value);
  }
  return number === 0 ? undefined : number;
}

/** `eventType`: which events this exporter gets, `feature` (default) or `tracking`, any case. */
export function eventTypeValue(key: string, value: unknown): 'feature' | 'tracking' | undefined {
  const text = stringValue(key, value)?.toLowerCase();
  if (text === undefined || text === 'feature' || text === 'tracking') return text;
  return invalid(key, '"feature" or "tracking"', value);
}
