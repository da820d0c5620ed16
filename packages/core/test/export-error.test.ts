import { describe, expect, it } from 'vitest';
import { ExportError, isExportError, isRetryableStatus, parseRetryAfter } from '../src/index.js';
import { featureEvent, makeDataExporter, RecordingExporter } from './helpers.js';

/** What an ExportError from a second copy of core (another version in node_modules) looks like. */
class ForeignExportError extends Error {
  retryable = false;
  get [Symbol.for('@ff/exporter-core/ExportError')]() {
    return true;
  }
}

describe('ExportError', () => {
  it('defaults to retryable and carries retryAfterMs, undelivered and cause', () => {
    const cause = new Error('socket hang up');
    const error = new ExportError('upload failed', { retryAfterMs: 1_500, undelivered: [2], cause });
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('ExportError');
    expect(error.retryable).toBe(true);
    expect(error.retryAfterMs).toBe(1_500);
    expect(error.undelivered).toEqual([2]);
    expect(error.cause).toBe(cause);
    expect(new ExportError('x', { retryable: false }).retryable).toBe(false);
  });

  it('is recognised by its Symbol.for brand, so a second copy of core is understood', async () => {
    const foreign = new ForeignExportError('401 from another copy');
    expect(isExportError(foreign)).toBe(true);
    expect(foreign instanceof ExportError).toBe(true);
    expect(isExportError(new Error('plain'))).toBe(false);
    expect(isExportError(null)).toBe(false);
    expect(isExportError('ExportError')).toBe(false);

    const exporter = new RecordingExporter({
      behaviour: () => {
        throw foreign;
      },
    });
    const de = makeDataExporter({ exporter });
    de.add(featureEvent(0));
    await de.flush();
    expect(exporter.calls).toHaveLength(1); // its retryable: false was honoured
    expect(de.stats()).toMatchObject({ failed: 1, retries: 0 });
  });

  it('keeps instanceof meaningful for subclasses', () => {
    class ThrottledError extends ExportError {}
    expect(new ThrottledError('slow down') instanceof ThrottledError).toBe(true);
    expect(new ThrottledError('slow down') instanceof ExportError).toBe(true);
    expect(new ExportError('other') instanceof ThrottledError).toBe(false);
  });
});

describe('isRetryableStatus', () => {
  it.each([408, 429, 500, 502, 503, 504])('%i is retryable', (status) => {
    expect(isRetryableStatus(status)).toBe(true);
  });
  it.each([400, 401, 403, 404, 409, 413, 422])('%i is final', (status) => {
    expect(isRetryableStatus(status)).toBe(false);
  });
});

describe('parseRetryAfter', () => {
  it('reads delta-seconds', () => {
    expect(parseRetryAfter('120')).toBe(120_000);
    expect(parseRetryAfter('0')).toBe(0);
  });

  it('reads an HTTP date relative to now', () => {
    const now = Date.parse('Wed, 21 Oct 2015 07:28:00 GMT');
    expect(parseRetryAfter('Wed, 21 Oct 2015 07:28:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('Wed, 21 Oct 2015 07:27:00 GMT', now)).toBe(0);
  });

  it('returns undefined when absent or unreadable', () => {
    expect(parseRetryAfter(undefined)).toBeUndefined();
    expect(parseRetryAfter(null)).toBeUndefined();
    expect(parseRetryAfter('')).toBeUndefined();
    expect(parseRetryAfter('soon')).toBeUndefined();
  });
});
