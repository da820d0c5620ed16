import { DataExporter, type Exporter, type FeatureEvent } from '@ff/exporter-core';
import { InMemoryProvider, OpenFeature } from '@openfeature/server-sdk';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DataExporterHook } from '../src/index.js';
import { FLAGS, MetadataInMemoryProvider, nowSeconds, recorder, spyLogger } from './helpers.js';

afterEach(async () => {
  OpenFeature.clearHooks();
  await OpenFeature.clearProviders();
});

async function clientWith(hook: DataExporterHook, provider = new InMemoryProvider(FLAGS)) {
  await OpenFeature.setProviderAndWait('hook-test', provider);
  const client = OpenFeature.getClient('hook-test');
  client.addHooks(hook);
  return client;
}

describe('DataExporterHook: GO Feature Flag mapping', () => {
  it('records one FeatureEvent per evaluation, for every flag type', async () => {
    const sink = recorder<FeatureEvent>();
    const client = await clientWith(new DataExporterHook(sink));
    const before = nowSeconds();
    expect(await client.getBooleanValue('new-checkout', false, { targetingKey: 'user-1' })).toBe(true);
    expect(await client.getStringValue('color', 'red', { targetingKey: 'user-2', plan: 'beta' })).toBe(
      'green',
    );
    expect(await client.getNumberValue('discount', 0, { targetingKey: 'user-3' })).toBe(12.5);
    expect(await client.getObjectValue('layout', {}, { targetingKey: 'user-4' })).toEqual({
      columns: 4,
      dense: false,
    });

    const common = { kind: 'feature', contextKind: 'user', default: false, version: '', source: 'SERVER' };
    expect(sink.events).toEqual([
      {
        ...common,
        userKey: 'user-1',
        key: 'new-checkout',
        variation: 'on',
        value: true,
        creationDate: expect.any(Number),
      },
      {
        ...common,
        userKey: 'user-2',
        key: 'color',
        variation: 'green',
        value: 'green',
        creationDate: expect.any(Number),
      },
      {
        ...common,
        userKey: 'user-3',
        key: 'discount',
        variation: 'some',
        value: 12.5,
        creationDate: expect.any(Number),
      },
      {
        ...common,
        userKey: 'user-4',
        key: 'layout',
        variation: 'wide',
        value: { columns: 4, dense: false },
        creationDate: expect.any(Number),
      },
    ]);
    for (const event of sink.events) {
      expect(event.creationDate).toBeGreaterThanOrEqual(before);
      expect(event.creationDate).toBeLessThanOrEqual(nowSeconds());
    }
  });

  it("marks an anonymous context (anonymous: true) 'anonymousUser', and a missing targeting key ''", async () => {
    const sink = recorder<FeatureEvent>();
    const client = await clientWith(new DataExporterHook(sink));
    await client.getBooleanValue('new-checkout', false, { targetingKey: 'visitor-9', anonymous: true });
    await client.getBooleanValue('new-checkout', false, {});
    expect(sink.events.map((e) => [e.contextKind, e.userKey])).toEqual([
      ['anonymousUser', 'visitor-9'],
      ['user', ''],
    ]);
  });

  it("records a failed evaluation as 'SdkDefault', default: true, with the app's default value", async () => {
    const sink = recorder<FeatureEvent>();
    const client = await clientWith(new DataExporterHook(sink));
    expect(await client.getBooleanValue('no-such-flag', false, { targetingKey: 'u' })).toBe(false);
    // A type mismatch is an error too: the default is served.
    expect(await client.getNumberValue('color', 7, { targetingKey: 'u' })).toBe(7);
    expect(sink.events).toMatchObject([
      { key: 'no-such-flag', variation: 'SdkDefault', default: true, value: false },
      { key: 'color', variation: 'SdkDefault', default: true, value: 7 },
    ]);
  });

  it("takes version from the flag's metadata, and skips flags whose metadata says trackEvents: false", async () => {
    const sink = recorder<FeatureEvent>();
    const provider = new MetadataInMemoryProvider(FLAGS, {
      'new-checkout': { version: '12', owner: 'growth' },
      layout: { version: 3, trackEvents: false },
    });
    const client = await clientWith(new DataExporterHook(sink), provider);
    await client.getBooleanValue('new-checkout', false, { targetingKey: 'u' });
    await client.getObjectValue('layout', {}, { targetingKey: 'u' });
    expect(sink.events).toHaveLength(1);
    expect(sink.events[0]).toMatchObject({ key: 'new-checkout', version: '12' });
  });

  it('merges static exporterMetadata with the context attribute gofeatureflag.exporterMetadata (the context wins)', async () => {
    const sink = recorder<FeatureEvent>();
    const hook = new DataExporterHook(sink, { exporterMetadata: { app: 'shop', env: 'prod' } });
    const client = await clientWith(hook);
    await client.getBooleanValue('new-checkout', false, { targetingKey: 'u' });
    await client.getBooleanValue('new-checkout', false, {
      targetingKey: 'u',
      gofeatureflag: { exporterMetadata: { env: 'canary', build: 42 } },
    });
    expect(sink.events.map((e) => e.metadata)).toEqual([
      { app: 'shop', env: 'prod' },
      { app: 'shop', env: 'canary', build: 42 },
    ]);
    const plain = recorder<FeatureEvent>();
    const plainClient = await clientWith(new DataExporterHook(plain));
    await plainClient.getBooleanValue('new-checkout', false, { targetingKey: 'u' });
    expect(plain.events[0]).not.toHaveProperty('metadata');
  });
});

describe('DataExporterHook: never breaks or delays an evaluation', () => {
  it('returns synchronously from finally: no promise for the SDK to await', () => {
    const hook = new DataExporterHook(recorder());
    const result = hook.finally(
      {
        flagKey: 'f',
        defaultValue: false,
        flagValueType: 'boolean',
        context: { targetingKey: 'u' },
        logger: spyLogger(),
        clientMetadata: { providerMetadata: { name: 'x' } },
        providerMetadata: { name: 'x' },
        hookData: new Map() as never,
      },
      { flagKey: 'f', value: true, flagMetadata: {} },
    );
    expect(result).toBeUndefined();
  });

  it('a context whose attribute throws when read: reported through the logger, never thrown', () => {
    const sink = recorder<FeatureEvent>();
    const logger = spyLogger();
    const hostile = Object.defineProperty({}, 'targetingKey', {
      get() {
        throw new Error('revoked');
      },
    });
    const hookContext = {
      flagKey: 'f',
      defaultValue: false,
      flagValueType: 'boolean' as const,
      context: hostile,
      logger,
      clientMetadata: { providerMetadata: { name: 'x' } },
      providerMetadata: { name: 'x' },
      hookData: new Map() as never,
    };
    expect(() =>
      new DataExporterHook(sink).finally(hookContext, { flagKey: 'f', value: true, flagMetadata: {} }),
    ).not.toThrow();
    expect(sink.events).toEqual([]);
    expect(logger.warn).toHaveBeenCalledTimes(1);
  });

  it('an add() that throws: the evaluation returns its value, and the failure is logged once per episode', async () => {
    let failing = true;
    const sink = recorder<FeatureEvent>();
    const hook = new DataExporterHook({
      add(event) {
        if (failing) throw new Error('sink is broken');
        sink.add(event);
      },
    });
    const logger = spyLogger();
    OpenFeature.setLogger(logger);
    const client = await clientWith(hook);
    for (let i = 0; i < 3; i++) {
      const details = await client.getBooleanDetails('new-checkout', false, { targetingKey: 'u' });
      expect(details).toMatchObject({ value: true, variant: 'on', reason: 'STATIC' });
      expect(details.errorCode).toBeUndefined();
    }
    expect(logger.warn).toHaveBeenCalledTimes(1);
    expect(logger.warn.mock.calls[0]?.[0]).toMatch(/recording a flag evaluation failed/);
    expect(logger.error).not.toHaveBeenCalled();
    failing = false;
    await client.getBooleanValue('new-checkout', false, { targetingKey: 'u' });
    expect(sink.events).toHaveLength(1);
    failing = true;
    await client.getBooleanValue('new-checkout', false, { targetingKey: 'u' });
    expect(logger.warn).toHaveBeenCalledTimes(2);
    OpenFeature.setLogger(console);
  });

  it('a closed DataExporter: evaluations go on, the events are counted as dropped', async () => {
    const exported: FeatureEvent[] = [];
    const events = new DataExporter<FeatureEvent>({
      exporter: { isBulk: () => true, export: async (batch) => void exported.push(...batch) },
      logger: { debug: vi.fn(), info: vi.fn(), warn: vi.fn(), error: vi.fn() },
    });
    const client = await clientWith(new DataExporterHook(events));
    await client.getBooleanValue('new-checkout', false, { targetingKey: 'before-close' });
    await events.close();
    for (let i = 0; i < 5; i++) {
      expect(await client.getBooleanValue('new-checkout', false, { targetingKey: 'u' })).toBe(true);
    }
    expect(exported.map((e) => e.userKey)).toEqual(['before-close']);
    expect(events.stats()).toMatchObject({ received: 6, exported: 1, dropped: 5 });
  });

  it('a sink that never answers: every evaluation completes, what does not fit is dropped and counted', async () => {
    const hanging: Exporter<FeatureEvent> = { isBulk: () => true, export: () => new Promise(() => {}) };
    const events = new DataExporter<FeatureEvent>({
      exporter: hanging,
      maxEventsInMemory: 10,
      maxPendingEvents: 20,
      logger: { debug: vi.fn(), info: vi.fn(), warn: vi.fn(), error: vi.fn() },
      exportAtExit: false,
    });
    const client = await clientWith(new DataExporterHook(events));
    const values = await Promise.all(
      Array.from({ length: 500 }, (_, i) =>
        client.getBooleanValue('new-checkout', false, { targetingKey: `u${i}` }),
      ),
    );
    expect(values.every((v) => v === true)).toBe(true);
    expect(events.stats()).toMatchObject({ received: 500, dropped: 480, pending: 20 });
    await events.close({ timeoutMs: 10 });
  });

  it('refuses a sink without add() and unknown options, naming them', () => {
    expect(() => new DataExporterHook({} as never)).toThrow(/events must have an add\(event\) method/);
    expect(() => new DataExporterHook(recorder(), { exporterMetdata: {} } as never)).toThrow(
      /unknown option 'exporterMetdata'/,
    );
    expect(() => new DataExporterHook(recorder(), { exporterMetadata: 'env=prod' } as never)).toThrow(
      /exporterMetadata must be an object/,
    );
  });
});
