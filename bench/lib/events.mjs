// Realistic feature events, built once per process with core's own createFeatureEvent, from a seeded
// generator so every run and every contender encodes the same bytes.
import { createFeatureEvent } from '@ff/exporter-core';

const FLAGS = [
  'new-checkout-flow',
  'dark-mode',
  'search-ranking-v2',
  'pricing-page-experiment',
  'recommendations-engine',
  'beta-dashboard',
  'payment-provider-switch',
  'onboarding-tour',
  'rate-limit-tier',
  'homepage-banner-color',
];

const VARIANTS = [
  ['enabled', true],
  ['disabled', false],
  ['variant-a', 'blue'],
  ['variant-b', 'green'],
  ['tier', 42],
  ['config', { timeoutMs: 1500, retries: 3, endpoints: ['eu-west-1', 'us-east-1'] }],
];

/** Flag versions come from the flag configuration: shared strings, as in a real process. */
const VERSIONS = ['1.0.0', '1.1.0', '1.2.0', '2.0.0', '2.1.0', '3.0.0', '3.0.1'];

/** mulberry32: a small deterministic generator. */
function random(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const HEX_CODES = [...'0123456789abcdef'].map((c) => c.charCodeAt(0));
const DASH = '-'.charCodeAt(0);
const codes = new Array(36);

/** A UUID-shaped string, built flat in one call (a concatenated one would be a tree of cons strings). */
function uuid(rand) {
  let j = 0;
  for (let i = 0; i < 32; i++) {
    if (i === 8 || i === 12 || i === 16 || i === 20) codes[j++] = DASH;
    codes[j++] = HEX_CODES[Math.floor(rand() * 16)];
  }
  return String.fromCharCode(...codes);
}

/**
 * `count` FeatureEvents as an OpenFeature hook records them: a UUID-like targeting key, one of 10
 * flags, a variation and its value (booleans, strings, numbers, an object), a flag version, every
 * tenth user anonymous, every fourth failed evaluation (SdkDefault), half with exporter metadata.
 */
export function makeEvents(count, seed = 42) {
  const rand = random(seed);
  const events = new Array(count);
  const start = 1_735_689_600; // 2025-01-01T00:00:00Z
  for (let i = 0; i < count; i++) {
    const [variant, value] = VARIANTS[Math.floor(rand() * VARIANTS.length)];
    const context = {
      targetingKey: uuid(rand),
      anonymous: i % 10 === 0,
    };
    if (i % 2 === 0) context.gofeatureflag = { exporterMetadata: { env: 'production', region: 'eu-west-1' } };
    const failed = i % 4 === 3;
    events[i] = createFeatureEvent(
      FLAGS[Math.floor(rand() * FLAGS.length)],
      context,
      failed
        ? { value, errorCode: 'FLAG_NOT_FOUND', reason: 'ERROR' }
        : { value, variant, version: VERSIONS[i % VERSIONS.length], reason: 'TARGETING_MATCH' },
      { creationDate: start + Math.floor(i / 1000) },
    );
  }
  return events;
}
