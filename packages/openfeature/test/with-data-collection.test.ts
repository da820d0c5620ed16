import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataExporter, type FeatureEvent, type TrackingEvent } from '@ff/exporter-core';
import { FileExporter } from '@ff/exporter-file';
import { parseJsonLines } from '@ff/exporter-testkit';
import {
  type EvaluationContext,
  type Hook,
  InMemoryProvider,
  OpenFeature,
  ProviderEvents,
  ProviderStatus,
  type TrackingEventDetails,
} from '@openfeature/server-sdk';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { withDataCollection } from '../src/index.js';
import { FLAGS, recorder, spyLogger } from './helpers.js';

afterEach(async () => {
  OpenFeature.clearHooks();
  await OpenFeature.clearProviders();
});

/** The in-memory provider plus the optional members a real provider has, each recorded. */
class RecordingProvider extends InMemoryProvider {
  readonly calls: string[] = [];
  readonly tracked: [string, EvaluationContext, TrackingEventDetails][] = [];
  readonly hooks: Hook[];
  #secret = 'private state';

  constructor(hooks: Hook[] = []) {
    super(FLAGS);
    this.hooks = hooks;
  }
  async initialize(context?: EvaluationContext) {
    this.calls.push(`initialize ${JSON.stringify(context)}`);
  }
  async onClose() {
    this.calls.push('onClose');
  }
  track(name: string, context: EvaluationContext, details: TrackingEventDetails) {
    this.tracked.push([name, context, details]);
  }
  /** A method of this provider only, using a private field: must work through the wrapper. */
  secret() {
    return this.#secret;
  }
}

describe('withDataCollection: evaluations', () => {
  it('records each evaluation once, whichever client or domain evaluates it', async () => {
    const evaluations = recorder<FeatureEvent>();
    const provider = withDataCollection(new InMemoryProvider(FLAGS), { evaluations });
    await OpenFeature.setProviderAndWait('a', provider);
    await OpenFeature.setProviderAndWait('b', provider);
    await OpenFeature.getClient('a').getBooleanValue('new-checkout', false, { targetingKey: 'from-a' });
    await OpenFeature.getClient('b').getStringValue('color', 'red', { targetingKey: 'from-b' });
    await OpenFeature.getClient('a').getBooleanValue('no-such-flag', false, { targetingKey: 'from-a' });
    expect(evaluations.events.map((e) => [e.userKey, e.key, e.variation, e.default])).toEqual([
      ['from-a', 'new-checkout', 'on', false],
      ['from-b', 'color', 'blue', false],
      ['from-a', 'no-such-flag', 'SdkDefault', true],
    ]);
  });

  it("keeps the provider's own hooks, and runs them alongside", async () => {
    const own: Hook = { before: vi.fn(), finally: vi.fn() };
    const evaluations = recorder<FeatureEvent>();
    const inner = new RecordingProvider([own]);
    const provider = withDataCollection(inner, { evaluations });
    expect(provider.hooks?.[0]).toBe(own);
    expect(provider.hooks).toHaveLength(2);
    expect(provider.hooks).toBe(provider.hooks); // one array while the provider's own do not change
    await OpenFeature.setProviderAndWait('own-hooks', provider);
    await OpenFeature.getClient('own-hooks').getBooleanValue('new-checkout', false, { targetingKey: 'u' });
    expect(own.before).toHaveBeenCalledTimes(1);
    expect(own.finally).toHaveBeenCalledTimes(1);
    expect(evaluations.events).toHaveLength(1);
  });
});

describe('withDataCollection: tracking', () => {
  it("turns track() into a TrackingEvent, then calls the provider's own track() with the same arguments", async () => {
    const tracking = recorder<TrackingEvent>();
    const inner = new RecordingProvider();
    await OpenFeature.setProviderAndWait('tracking', withDataCollection(inner, { tracking }));
    const client = OpenFeature.getClient('tracking');
    client.track(
      'purchase',
      { targetingKey: 'user-7', anonymous: true, plan: 'pro' },
      { value: 42, sku: 'A-1' },
    );
    client.track('page-view', { targetingKey: 'user-8' });
    expect(tracking.events).toEqual([
      {
        kind: 'tracking',
        contextKind: 'anonymousUser',
        userKey: 'user-7',
        creationDate: expect.any(Number),
        key: 'purchase',
        evaluationContext: { targetingKey: 'user-7', anonymous: true, plan: 'pro' },
        trackingEventDetails: { value: 42, sku: 'A-1' },
      },
      expect.objectContaining({ key: 'page-view', userKey: 'user-8', trackingEventDetails: {} }),
    ]);
    expect(inner.tracked).toEqual([
      ['purchase', { targetingKey: 'user-7', anonymous: true, plan: 'pro' }, { value: 42, sku: 'A-1' }],
      ['page-view', { targetingKey: 'user-8' }, {}],
    ]);
  });

  it("puts static exporterMetadata in the tracked context's gofeatureflag.exporterMetadata (the call's own wins)", async () => {
    const tracking = recorder<TrackingEvent>();
    const evaluations = recorder<FeatureEvent>();
    const provider = withDataCollection(new InMemoryProvider(FLAGS), {
      evaluations,
      tracking,
      exporterMetadata: { app: 'shop', env: 'prod' },
    });
    await OpenFeature.setProviderAndWait('metadata', provider);
    const client = OpenFeature.getClient('metadata');
    client.track('a', { targetingKey: 'u' });
    client.track('b', {
      targetingKey: 'u',
      gofeatureflag: { exporterMetadata: { env: 'canary' }, other: 1 },
    });
    await client.getBooleanValue('new-checkout', false, { targetingKey: 'u' });
    expect(tracking.events.map((e) => e.evaluationContext)).toEqual([
      { targetingKey: 'u', gofeatureflag: { exporterMetadata: { app: 'shop', env: 'prod' } } },
      { targetingKey: 'u', gofeatureflag: { exporterMetadata: { app: 'shop', env: 'canary' }, other: 1 } },
    ]);
    expect(evaluations.events[0]?.metadata).toEqual({ app: 'shop', env: 'prod' });
  });

  it('records tracking for a provider that has no track() of its own', async () => {
    const tracking = recorder<TrackingEvent>();
    await OpenFeature.setProviderAndWait(
      'no-track',
      withDataCollection(new InMemoryProvider(FLAGS), { tracking }),
    );
    OpenFeature.getClient('no-track').track('signup', { targetingKey: 'u' });
    expect(tracking.events.map((e) => e.key)).toEqual(['signup']);
  });

  it("with tracking omitted, track() is the provider's own, or absent as it was", () => {
    const inner = new RecordingProvider();
    const provider = withDataCollection(inner, { evaluations: recorder() });
    provider.track?.('x', { targetingKey: 'u' }, {});
    expect(inner.tracked).toEqual([['x', { targetingKey: 'u' }, {}]]);
    const bare = withDataCollection(new InMemoryProvider(FLAGS), { evaluations: recorder() });
    expect((bare as { track?: unknown }).track).toBeUndefined();
    expect('track' in bare).toBe(false);
  });

  it('a tracking sink that throws: track() still reaches the provider, the failure is logged once', async () => {
    const logger = spyLogger();
    const inner = new RecordingProvider();
    const provider = withDataCollection(inner, {
      tracking: {
        add() {
          throw new Error('sink is broken');
        },
      },
      logger,
    });
    await OpenFeature.setProviderAndWait('broken', provider);
    const client = OpenFeature.getClient('broken');
    client.track('a', { targetingKey: 'u' });
    client.track('b', { targetingKey: 'u' });
    expect(inner.tracked.map(([name]) => name)).toEqual(['a', 'b']);
    expect(logger.warn).toHaveBeenCalledTimes(1);
    expect(logger.warn.mock.calls[0]?.[0]).toMatch(/recording a tracking event failed/);
  });
});

describe('withDataCollection: everything else passes through', () => {
  it('metadata, runsOn, initialize with the context, onClose, its own methods and fields, instanceof', async () => {
    const inner = new RecordingProvider();
    const provider = withDataCollection(inner, { evaluations: recorder(), tracking: recorder() });
    expect(provider.metadata).toBe(inner.metadata);
    expect(provider.metadata.name).toBe('in-memory');
    expect(provider.runsOn).toBe('server');
    expect(provider).toBeInstanceOf(InMemoryProvider);
    expect(provider.secret()).toBe('private state');
    expect(provider.calls).toBe(inner.calls);

    await OpenFeature.setContext({ region: 'eu' });
    await OpenFeature.setProviderAndWait('lifecycle', provider);
    expect(OpenFeature.getClient('lifecycle').providerStatus).toBe(ProviderStatus.READY);
    await OpenFeature.close();
    expect(inner.calls).toEqual(['initialize {"region":"eu"}', 'onClose']);
    await OpenFeature.setContext({});
  });

  it("the provider's events reach the clients, and its own methods change what is evaluated and recorded", async () => {
    const evaluations = recorder<FeatureEvent>();
    const inner = new InMemoryProvider(FLAGS);
    const provider = withDataCollection(inner, { evaluations });
    expect(provider.events).toBe(inner.events);
    await OpenFeature.setProviderAndWait('events', provider);
    const client = OpenFeature.getClient('events');
    const changed = vi.fn();
    client.addHandler(ProviderEvents.ConfigurationChanged, changed);
    provider.putConfiguration({
      'new-checkout': { variants: { on: true, off: false }, defaultVariant: 'off', disabled: false },
    });
    await vi.waitFor(() => expect(changed).toHaveBeenCalledTimes(1));
    expect(changed.mock.calls[0]?.[0]).toMatchObject({
      flagsChanged: expect.arrayContaining(['new-checkout']),
    });
    expect(await client.getBooleanValue('new-checkout', true, { targetingKey: 'u' })).toBe(false);
    expect(evaluations.events.map((e) => e.variation)).toEqual(['off']);
  });

  it('refuses a missing provider, no sink at all, a sink without add() and unknown options', () => {
    const inner = new InMemoryProvider(FLAGS);
    expect(() => withDataCollection(undefined as never, { evaluations: recorder() })).toThrow(
      /provider must be an OpenFeature provider/,
    );
    expect(() => withDataCollection(inner, {})).toThrow(/give evaluations, tracking, or both/);
    expect(() => withDataCollection(inner, { tracking: [] as never })).toThrow(
      /option tracking must have an add\(event\) method/,
    );
    expect(() => withDataCollection(inner, { evaluation: recorder() } as never)).toThrow(
      /unknown option 'evaluation'/,
    );
  });
});

describe('withDataCollection: the README example, end to end', () => {
  it('writes evaluations and tracking events to JSON Lines files through DataExporters', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ff-openfeature-readme-'));
    try {
      const evaluations = new DataExporter<FeatureEvent>({
        name: 'evaluations',
        exporter: new FileExporter({ outputDir: join(dir, 'evaluations') }),
      });
      const tracking = new DataExporter<TrackingEvent>({
        name: 'tracking',
        eventType: 'tracking',
        exporter: new FileExporter({ outputDir: join(dir, 'tracking') }),
      });
      await OpenFeature.setProviderAndWait(
        'readme',
        withDataCollection(new InMemoryProvider(FLAGS), { evaluations, tracking }),
      );
      const client = OpenFeature.getClient('readme');
      await client.getBooleanValue('new-checkout', false, { targetingKey: 'user-42' });
      client.track('checkout-completed', { targetingKey: 'user-42' }, { value: 99.9 });
      await Promise.all([evaluations.close(), tracking.close()]);

      const read = async (folder: string) => {
        const files = await readdir(join(dir, folder));
        expect(files).toHaveLength(1);
        return parseJsonLines(await readFile(join(dir, folder, files[0] as string)));
      };
      expect(await read('evaluations')).toEqual([
        expect.objectContaining({
          kind: 'feature',
          key: 'new-checkout',
          userKey: 'user-42',
          variation: 'on',
        }),
      ]);
      expect(await read('tracking')).toEqual([
        expect.objectContaining({
          kind: 'tracking',
          key: 'checkout-completed',
          userKey: 'user-42',
          trackingEventDetails: { value: 99.9 },
        }),
      ]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
