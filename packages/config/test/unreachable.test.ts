import { existsSync } from 'node:fs';
import * as zlib from 'node:zlib';
import type { DataExporter, FanOut } from '@ff/exporter-core';
import { recordingLogger, sampleEvents } from '@ff/exporter-testkit';
import { describe, expect, it } from 'vitest';
import { createExporter, type SupportedKind } from '../src/index.js';
import { ALL_SIX, ALL_SIX_NAMES, installed } from './stand-ins.js';

// Sinks nobody can reach: `.invalid` never resolves (RFC 2606). Nothing may connect before the first
// export, so building succeeds and closing with nothing sent is immediate. Real packages only: a kind
// whose package has not landed yet is skipped here (its mapping is tested with a stand-in).
const UNREACHABLE: Record<SupportedKind, Record<string, unknown>> = {
  file: { kind: 'file', outputDir: '/nonexistent/ff-config-never-created' },
  webhook: { kind: 'webhook', endpointUrl: 'https://ff-unreachable.invalid/hook', secret: 'x' },
  s3: { kind: 's3', bucket: 'ff-unreachable', path: 'events' },
  googleStorage: { kind: 'googleStorage', bucket: 'ff-unreachable' },
  azureBlobStorage: { kind: 'azureBlobStorage', container: 'ff-unreachable', accountName: 'ffunreachable' },
  kafka: { kind: 'kafka', kafka: { topic: 'events', addresses: ['ff-unreachable.invalid:9092'] } },
};

const hasZstd = typeof (zlib as { zstdCompressSync?: unknown }).zstdCompressSync === 'function';

const available = Object.fromEntries(
  await Promise.all(
    (Object.keys(UNREACHABLE) as SupportedKind[]).map(async (kind) => [kind, await installed(kind)] as const),
  ),
) as Record<SupportedKind, boolean>;

/** Rejects if `promise` has not settled within `ms`: a hang is the failure looked for, not a speed. */
function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not settle within ${ms} ms`)), ms);
  });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

describe('a config whose sinks are unreachable', () => {
  for (const kind of Object.keys(UNREACHABLE) as SupportedKind[]) {
    it.skipIf(!available[kind])(`${kind}: builds with the real package and closes at once`, async () => {
      const wired = await within(
        createExporter({ exporter: UNREACHABLE[kind] }, { logger: recordingLogger() }),
        5_000,
        'createExporter',
      );
      await within(wired.close(), 2_000, 'close() with nothing sent');
      if (kind === 'file') expect(existsSync(UNREACHABLE.file.outputDir as string)).toBe(false);
    });
  }

  it.skipIf(!Object.values(available).every(Boolean))(
    'their typical file with all six kinds wires the six real packages as is, and closes at once',
    async () => {
      // shared/reference's typical relay-proxy file, plus their googleStorage docs example.
      const wired = (await createExporter(ALL_SIX, {
        logger: recordingLogger(),
        // Before Node.js 22.15 the ZSTD example needs a compressor; nothing is exported here.
        ...(hasZstd ? {} : { parquetCompressors: { ZSTD: (bytes: Uint8Array) => bytes } }),
      })) as FanOut;
      expect(wired.members.map((m) => m.name)).toEqual(ALL_SIX_NAMES);
      await within(wired.close(), 2_000, 'close() with nothing sent');
    },
  );

  it('all the installed kinds at once, then events: close() ends by its deadline', async () => {
    const kinds = (Object.keys(UNREACHABLE) as SupportedKind[]).filter(
      (kind) => available[kind] && kind !== 'file',
    );
    if (kinds.length === 0) return; // only the file exporter has landed: nothing to reach
    const logger = recordingLogger();
    const wired = (await createExporter(
      { exporters: kinds.map((kind) => UNREACHABLE[kind]) },
      { logger, dataExporter: { closeTimeoutMs: 1_000 } },
    )) as DataExporter | FanOut;
    for (const event of sampleEvents(10)) wired.add(event);
    await within(wired.close(), 8_000, 'close() with its deadline at 1 s');
  });
});
