import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  contextKindOf,
  createFeatureEvent,
  createTrackingEvent,
  SDK_DEFAULT_VARIATION,
} from '../src/index.js';

afterEach(() => {
  vi.useRealTimers();
});

describe('createFeatureEvent (GO Feature Flag NewFeatureEvent)', () => {
  it('builds the event of a successful evaluation', () => {
    const event = createFeatureEvent(
      'new-checkout',
      { targetingKey: 'user-42', email: 'a@example.com' },
      { value: 'blue', variant: 'variationB', version: '7' },
      { creationDate: 1_617_970_547 },
    );
    expect(event).toEqual({
      kind: 'feature',
      contextKind: 'user',
      userKey: 'user-42',
      creationDate: 1_617_970_547,
      key: 'new-checkout',
      variation: 'variationB',
      value: 'blue',
      default: false,
      version: '7',
      source: 'SERVER',
    });
  });

  it("marks an anonymous context (anonymous: true) as 'anonymousUser'", () => {
    expect(createFeatureEvent('f', { targetingKey: 'k', anonymous: true }, { value: 1 }).contextKind).toBe(
      'anonymousUser',
    );
    expect(createFeatureEvent('f', { targetingKey: 'k', anonymous: false }, { value: 1 }).contextKind).toBe(
      'user',
    );
    // Only the boolean true counts, as GO Feature Flag's IsAnonymous().
    expect(contextKindOf({ anonymous: 'true' })).toBe('user');
    expect(contextKindOf({})).toBe('user');
  });

  it("records a failed evaluation as variation 'SdkDefault' with default true", () => {
    const event = createFeatureEvent(
      'f',
      { targetingKey: 'k' },
      { value: false, variant: 'on', errorCode: 'FLAG_NOT_FOUND', reason: 'ERROR' },
    );
    expect(SDK_DEFAULT_VARIATION).toBe('SdkDefault');
    expect(event).toMatchObject({ variation: 'SdkDefault', default: true, value: false });
  });

  it('treats reason ERROR without an errorCode as a failure too', () => {
    expect(createFeatureEvent('f', { targetingKey: 'k' }, { value: 0, reason: 'ERROR' })).toMatchObject({
      variation: 'SdkDefault',
      default: true,
    });
  });

  it('stamps creationDate in unix seconds', () => {
    vi.useFakeTimers();
    vi.setSystemTime(new Date('2024-01-02T03:04:05.678Z'));
    expect(createFeatureEvent('f', { targetingKey: 'k' }, { value: 1 }).creationDate).toBe(1_704_164_645);
  });

  it('takes metadata from context.gofeatureflag.exporterMetadata, as a copy', () => {
    const exporterMetadata = { env: 'prod', build: 42, canary: true };
    const event = createFeatureEvent(
      'f',
      { targetingKey: 'k', gofeatureflag: { exporterMetadata } },
      { value: 1 },
    );
    expect(event.metadata).toEqual({ env: 'prod', build: 42, canary: true });
    exporterMetadata.env = 'changed later';
    expect(event.metadata).toEqual({ env: 'prod', build: 42, canary: true });
  });

  it('leaves metadata out when there is none, or it is empty', () => {
    expect(createFeatureEvent('f', { targetingKey: 'k' }, { value: 1 })).not.toHaveProperty('metadata');
    expect(
      createFeatureEvent('f', { targetingKey: 'k', gofeatureflag: { exporterMetadata: {} } }, { value: 1 }),
    ).not.toHaveProperty('metadata');
  });

  it("defaults version to '' and source to SERVER; both can be set", () => {
    const event = createFeatureEvent('f', { targetingKey: 'k' }, { value: 1, variant: 'v' });
    expect(event).toMatchObject({ version: '', source: 'SERVER' });
    expect(
      createFeatureEvent('f', { targetingKey: 'k' }, { value: 1 }, { source: 'PROVIDER_CACHE' }).source,
    ).toBe('PROVIDER_CACHE');
  });

  it('uses an empty userKey when the context has no targeting key', () => {
    expect(createFeatureEvent('f', {}, { value: 1 }).userKey).toBe('');
  });
});

describe('createTrackingEvent (GO Feature Flag Track)', () => {
  it('builds the event of a tracking call, the whole context kept', () => {
    const context = { targetingKey: 'user-42', anonymous: true, plan: 'pro' };
    const event = createTrackingEvent('checkout', context, { total: 99.5 }, { creationDate: 1_617_970_547 });
    expect(event).toEqual({
      kind: 'tracking',
      contextKind: 'anonymousUser',
      userKey: 'user-42',
      creationDate: 1_617_970_547,
      key: 'checkout',
      evaluationContext: { targetingKey: 'user-42', anonymous: true, plan: 'pro' },
      trackingEventDetails: { total: 99.5 },
    });
    context.plan = 'changed later';
    expect(event.evaluationContext.plan).toBe('pro');
  });

  it("defaults the details to {}, the userKey to '' and stamps unix seconds", () => {
    vi.useFakeTimers();
    vi.setSystemTime(new Date('2024-01-02T03:04:05.678Z'));
    expect(createTrackingEvent('signup', {})).toMatchObject({
      contextKind: 'user',
      userKey: '',
      creationDate: 1_704_164_645,
      evaluationContext: {},
      trackingEventDetails: {},
    });
  });
});
