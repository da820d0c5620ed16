// The hook against a remote provider nobody here wrote: GO Feature Flag's relay proxy, evaluated
// through OpenFeature's OFREP provider from npm. The relay proxy records every evaluation it serves
// with its own file exporter; what our hook recorded (written by our FileExporter) must agree with
// it field by field, except where the app legitimately knows more or less (README, "Compared with
// the relay proxy's own records").
import { randomUUID } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { DataExporter, type FeatureEvent, type TrackingEvent } from '@ff/exporter-core';
import { FileExporter } from '@ff/exporter-file';
import { parseJsonLines } from '@ff/exporter-testkit';
import { OFREPProvider } from '@openfeature/ofrep-provider';
import { type Client, OpenFeature } from '@openfeature/server-sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { usePeer } from '../../../test-services/peers.mjs';
import { withDataCollection } from '../src/index.js';
import { recorder } from './helpers.js';

let relayUrl: string;
let relayExportDir: string;
let ourDir: string;
let client: Client;
let evaluations: DataExporter<FeatureEvent>;
const tracking = recorder<TrackingEvent>();
// The peer may be shared with other test runs: this run's users are its own.
const run = randomUUID().slice(0, 8);
const user = (name: string) => `${run}-${name}`;

beforeAll(async () => {
  const env = await usePeer('goff-relay-proxy');
  relayUrl = env.GOFF_RELAY_URL as string;
  relayExportDir = env.GOFF_EXPORT_DIR as string;
  ourDir = await mkdtemp(join(tmpdir(), 'ff-openfeature-relay-'));
  evaluations = new DataExporter({ exporter: new FileExporter({ outputDir: ourDir }), name: 'evaluations' });
  const provider = withDataCollection(new OFREPProvider({ baseUrl: relayUrl }), { evaluations, tracking });
  await OpenFeature.setProviderAndWait('relay-proxy', provider);
  client = OpenFeature.getClient('relay-proxy');
}, 60_000);

afterAll(async () => {
  await OpenFeature.clearProviders();
  await evaluations?.close();
  if (ourDir) await rm(ourDir, { recursive: true, force: true });
});

async function readEvents(dir: string): Promise<FeatureEvent[]> {
  const files = (await readdir(dir)).filter((file) => file.endsWith('.json'));
  const contents = await Promise.all(files.map((file) => readFile(join(dir, file))));
  return contents.flatMap((content) => parseJsonLines(content) as FeatureEvent[]);
}

/** The relay proxy's records of this run, once `count` of them have been written. */
async function relayRecords(count: number): Promise<FeatureEvent[]> {
  for (const started = Date.now(); ; await sleep(100)) {
    const mine = (await readEvents(relayExportDir)).filter((event) => event.userKey.startsWith(`${run}-`));
    if (mine.length >= count || Date.now() - started > 15_000) return mine;
  }
}

const byUserAndFlag = (events: FeatureEvent[]) => new Map(events.map((e) => [`${e.userKey} ${e.key}`, e]));

describe('against GO Feature Flag relay proxy through OFREP', () => {
  it('records what the relay proxy records, field by field, and differs only where documented', async () => {
    const metadata = { env: 'test', run };
    expect(await client.getBooleanValue('banner', false, { targetingKey: user('a') })).toBe(true);
    expect(
      await client.getStringValue('color', 'red', {
        targetingKey: user('b'),
        plan: 'beta',
        anonymous: true,
        gofeatureflag: { exporterMetadata: metadata },
      }),
    ).toBe('green');
    expect(await client.getNumberValue('discount', 0, { targetingKey: user('c') })).toBe(12.5);
    expect(await client.getObjectValue('layout', {}, { targetingKey: user('d') })).toEqual({
      columns: 4,
      dense: false,
      name: 'wide',
    });
    // Documented differences:
    expect(await client.getBooleanValue('legacy-version', true, { targetingKey: user('e') })).toBe(false);
    expect(await client.getBooleanValue('no-such-flag', true, { targetingKey: user('f') })).toBe(true);
    expect(await client.getNumberValue('color', 3, { targetingKey: user('g') })).toBe(3); // type mismatch
    // Recorded by neither: trackEvents: false (top level for the relay proxy, metadata for the hook).
    expect(await client.getBooleanValue('quiet', false, { targetingKey: user('h') })).toBe(true);

    await evaluations.flush();
    const ours = byUserAndFlag(await readEvents(ourDir));
    const theirs = byUserAndFlag(await relayRecords(7));
    expect([...ours.keys()].sort()).toEqual([...theirs.keys()].sort());
    expect(ours.size).toBe(7);

    const agreeing = ['a banner', 'b color', 'c discount', 'd layout'];
    for (const id of agreeing) {
      const [userName, flag] = id.split(' ') as [string, string];
      const key = `${user(userName)} ${flag}`;
      const mine = ours.get(key);
      const relay = theirs.get(key);
      expect(mine, key).toBeDefined();
      // The two clocks read a few milliseconds apart can fall on either side of a second.
      expect(Math.abs((mine?.creationDate ?? 0) - (relay?.creationDate ?? 0)), key).toBeLessThanOrEqual(1);
      expect({ ...mine, creationDate: 0 }, key).toEqual({ ...relay, creationDate: 0 });
    }
    expect(ours.get(`${user('b')} color`)).toMatchObject({
      contextKind: 'anonymousUser',
      version: '2',
      metadata,
    });

    const differing = (name: string, flag: string) => {
      const key = `${user(name)} ${flag}`;
      const { creationDate: _a, ...mine } = ours.get(key) as FeatureEvent;
      const { creationDate: _b, ...relay } = theirs.get(key) as FeatureEvent;
      return { mine, relay };
    };
    // A version set only at the flag's top level: OFREP does not carry it.
    const legacy = differing('e', 'legacy-version');
    expect(legacy.relay).toEqual({ ...legacy.mine, version: '7' });
    expect(legacy.mine.version).toBe('');
    // A missing flag: the relay proxy records null, never seeing the app's default.
    const missing = differing('f', 'no-such-flag');
    expect(missing.mine).toMatchObject({ variation: 'SdkDefault', default: true, value: true });
    expect(missing.relay).toEqual({ ...missing.mine, value: null });
    // A type mismatch is found in the app: the relay proxy served 'blue', the app got its default.
    const mismatch = differing('g', 'color');
    expect(mismatch.relay).toEqual({
      ...mismatch.mine,
      variation: 'blue',
      value: 'blue',
      default: false,
      version: '2',
    });
    expect(mismatch.mine).toMatchObject({ variation: 'SdkDefault', default: true, value: 3 });
  });

  it('records track() calls, which OFREP has no endpoint for, as TrackingEvents', async () => {
    client.track('checkout', { targetingKey: user('t'), plan: 'beta' }, { value: 99.5, currency: 'EUR' });
    expect(tracking.events).toEqual([
      {
        kind: 'tracking',
        contextKind: 'user',
        userKey: user('t'),
        creationDate: expect.any(Number),
        key: 'checkout',
        evaluationContext: { targetingKey: user('t'), plan: 'beta' },
        trackingEventDetails: { value: 99.5, currency: 'EUR' },
      },
    ]);
  });
});
