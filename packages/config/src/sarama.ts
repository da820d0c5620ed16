import { isMap } from './keys.js';
import { InvalidValue, stringValue } from './values.js';

/**
 * `kafka.config` holds settings of their Go client (Sarama's `Config`, keys in any case). The ones
 * with a KafkaExporter equivalent are translated; the rest are named in a warning, never guessed.
 */
export interface SaramaTranslation {
  options: Record<string, unknown>;
  /** Dotted paths, as written, of the settings left out. */
  untranslated: string[];
}

const TRANSLATED = [
  'clientid',
  'net.tls.enable',
  'net.sasl.enable',
  'net.sasl.mechanism',
  'net.sasl.user',
  'net.sasl.password',
  'producer.compression',
];
// Sarama's SASL mechanisms that a YAML file can configure (OAUTHBEARER and GSSAPI need Go code).
const MECHANISMS = ['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512'];
// Sarama's CompressionCodec, by number and by name.
const COMPRESSIONS = ['none', 'gzip', 'snappy', 'lz4', 'zstd'];

export function translateSarama(config: unknown): SaramaTranslation {
  if (!isMap(config))
    throw new InvalidValue('invalid exporter: "kafka.config" must be a map of Sarama settings');
  const leaves = new Map<string, { path: string; value: unknown }>();
  const walk = (map: Record<string, unknown>, prefix: string) => {
    for (const [key, value] of Object.entries(map)) {
      const path = prefix === '' ? key : `${prefix}.${key}`;
      if (isMap(value)) walk(value, path);
      else leaves.set(path.toLowerCase(), { path, value });
    }
  };
  walk(config, '');
  const get = (key: string) => leaves.get(key)?.value;
  const name = (key: string) => `kafka.config.${leaves.get(key)?.path ?? key}`;

  const options: Record<string, unknown> = {};
  const clientId = stringValue(name('clientid'), get('clientid'));
  if (clientId !== undefined) options.clientId = clientId;
  if (flag(name('net.tls.enable'), get('net.tls.enable'))) options.tls = true;
  if (flag(name('net.sasl.enable'), get('net.sasl.enable'))) {
    // Sarama's default mechanism is PLAIN.
    const mechanism = (
      stringValue(name('net.sasl.mechanism'), get('net.sasl.mechanism')) ?? 'PLAIN'
    ).toUpperCase();
    if (!MECHANISMS.includes(mechanism)) {
      throw new InvalidValue(
        `invalid exporter: "${name('net.sasl.mechanism')}" must be ${MECHANISMS.join(', ')} here, got "${mechanism}"`,
      );
    }
    const username = stringValue(name('net.sasl.user'), get('net.sasl.user'));
    const password = stringValue(name('net.sasl.password'), get('net.sasl.password'));
    options.sasl = {
      mechanism,
      ...(username === undefined ? {} : { username }),
      ...(password === undefined ? {} : { password }),
    };
  }
  const compression = get('producer.compression');
  if (compression !== undefined && compression !== null) {
    const codec =
      typeof compression === 'number' ? COMPRESSIONS[compression] : String(compression).toLowerCase();
    if (codec === undefined || !COMPRESSIONS.includes(codec)) {
      throw new InvalidValue(
        `invalid exporter: "${name('producer.compression')}" must be one of ${COMPRESSIONS.join(', ')} (or 0 to 4), got ${JSON.stringify(compression)}`,
      );
    }
    options.compression = codec;
  }
  const untranslated = [...leaves].filter(([key]) => !TRANSLATED.includes(key)).map(([, leaf]) => leaf.path);
  return { options, untranslated };
}

function flag(key: string, value: unknown): boolean {
  if (value === undefined || value === null || value === false || value === 'false') return false;
  if (value === true || value === 'true') return true;
  throw new InvalidValue(`invalid exporter: "${key}" must be true or false, got ${JSON.stringify(value)}`);
}
