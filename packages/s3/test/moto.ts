import {
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  S3Client,
  type S3ClientConfig,
} from '@aws-sdk/client-s3';
import type { StoredObject } from '@ff/exporter-testkit';
import { afterAll, beforeAll } from 'vitest';
import { usePeer } from '../../../test-services/peers.mjs';

/** moto accepts any key until auth checks are on; these are what the tests sign with. */
export const TEST_CREDENTIALS = { accessKeyId: 'test', secretAccessKey: 'test' };

/** The shared moto server of this test run (started by `peers.mjs up`, or for this process). */
export async function motoEndpoint(): Promise<string> {
  const env = (await usePeer('moto')) as { S3_ENDPOINT: string };
  return env.S3_ENDPOINT;
}

/**
 * The shared moto server, for a test file: `endpoint` and a `client` straight to it (to create buckets
 * and read back), set in beforeAll, the client destroyed in afterAll.
 */
export function useMoto(): { endpoint: string; client: S3Client } {
  const moto = {} as { endpoint: string; client: S3Client };
  beforeAll(async () => {
    moto.endpoint = await motoEndpoint();
    moto.client = testClient(moto.endpoint);
  });
  afterAll(() => moto.client?.destroy());
  return moto;
}

/** What an S3Exporter needs to reach a moto server at `endpoint` (maybe through a proxy). */
export function clientConfig(endpoint: string, extra: S3ClientConfig = {}): S3ClientConfig {
  return { endpoint, region: 'us-east-1', forcePathStyle: true, credentials: TEST_CREDENTIALS, ...extra };
}

/** A client of the tests' own, straight to moto, to create buckets and read back what landed. */
export function testClient(endpoint: string): S3Client {
  return new S3Client(clientConfig(endpoint));
}

export async function createBucket(client: S3Client, bucket: string): Promise<void> {
  await client.send(new CreateBucketCommand({ Bucket: bucket }));
}

/** Every object in the bucket, keys in order, bytes as stored. */
export async function readBucket(client: S3Client, bucket: string): Promise<StoredObject[]> {
  const objects: StoredObject[] = [];
  let token: string | undefined;
  do {
    const page = await client.send(new ListObjectsV2Command({ Bucket: bucket, ContinuationToken: token }));
    for (const { Key } of page.Contents ?? []) {
      if (Key === undefined) continue;
      const got = await client.send(new GetObjectCommand({ Bucket: bucket, Key }));
      objects.push({
        name: Key,
        bytes: await (got.Body as { transformToByteArray(): Promise<Uint8Array> }).transformToByteArray(),
      });
    }
    token = page.NextContinuationToken;
  } while (token !== undefined);
  return objects.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

export async function deleteBucket(client: S3Client, bucket: string): Promise<void> {
  for (;;) {
    const page = await client.send(new ListObjectsV2Command({ Bucket: bucket }));
    const keys = (page.Contents ?? []).flatMap(({ Key }) => (Key === undefined ? [] : [{ Key }]));
    if (keys.length === 0) break;
    await client.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: keys } }));
  }
  await client.send(new DeleteBucketCommand({ Bucket: bucket }));
}
