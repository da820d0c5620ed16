import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { StoredObject } from '@ff/exporter-testkit';
import { Storage } from '@google-cloud/storage';
import { afterEach, beforeAll } from 'vitest';
import { start } from '../../../test-services/fake-gcs-server/index.mjs';
import { killGroup } from '../../../test-services/lib.mjs';
import { usePeer } from '../../../test-services/peers.mjs';

/** The shared fake-gcs-server's endpoint (`http://127.0.0.1:PORT`), started by `npm test` or on demand. */
export async function gcsEndpoint(): Promise<string> {
  const env = (await usePeer('fake-gcs-server')) as { GCS_ENDPOINT: string };
  return env.GCS_ENDPOINT;
}

/** The shared fake-gcs-server for a test file: its endpoint, port and a plain client, set in beforeAll; cleanups run after each test. */
export function sharedGcs(): { readonly endpoint: string; readonly port: number; readonly storage: Storage } {
  const peer = { endpoint: '', port: 0, storage: undefined as unknown as Storage };
  beforeAll(async () => {
    peer.endpoint = await gcsEndpoint();
    peer.port = Number(new URL(peer.endpoint).port);
    peer.storage = testStorage(peer.endpoint);
  });
  afterEach(runCleanups);
  return peer;
}

/** A plain client for the test's own setup and read-back, with the SDK's defaults. */
export function testStorage(apiEndpoint: string): Storage {
  return new Storage({ apiEndpoint, projectId: 'test' });
}

export async function createBucket(storage: Storage, name: string): Promise<void> {
  await storage.bucket(name).create();
}

/** Every object in the bucket (under `prefix`), read back with the SDK, in name order. */
export async function readBucket(storage: Storage, bucket: string, prefix?: string): Promise<StoredObject[]> {
  const [files] = await storage.bucket(bucket).getFiles(prefix === undefined ? {} : { prefix });
  const objects = await Promise.all(
    files.map(async (file) => {
      const [bytes] = await file.download();
      return { name: file.name, bytes: new Uint8Array(bytes) };
    }),
  );
  return objects.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** Cleanups a test registers as it goes, run (last first) after it, pass or fail. */
export const cleanups: (() => Promise<unknown>)[] = [];
export async function runCleanups(): Promise<void> {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => {});
}

let bucketSerial = 0;
/** A new bucket on `storage`, deleted after the test (call runCleanups in afterEach). */
export async function freshBucket(storage: Storage): Promise<string> {
  const name = `ff-gcs-${process.pid}-${++bucketSerial}`;
  await createBucket(storage, name);
  cleanups.push(() => deleteBucket(storage, name));
  return name;
}

export async function deleteBucket(storage: Storage, bucket: string): Promise<void> {
  await storage
    .bucket(bucket)
    .deleteFiles({ force: true })
    .catch(() => {});
  await storage
    .bucket(bucket)
    .delete()
    .catch(() => {});
}

/**
 * A fake-gcs-server of the test's own, for tests that put a proxy in its path: `externalUrl` is what
 * its resumable session URLs point at (the proxy), so an upload's later requests go through it too.
 */
export async function privateGcs(options: { port?: number; externalUrl?: string } = {}) {
  const logFile = join(tmpdir(), `ff-gcs-private-${process.pid}-${++privateSerial}.log`);
  const { env, pids } = await start({ logFile, ...options });
  const stop = () => Promise.all(pids.map((pid) => killGroup(pid))).then(() => {});
  return { endpoint: env.GCS_ENDPOINT, port: Number(new URL(env.GCS_ENDPOINT).port), stop };
}
let privateSerial = 0;
