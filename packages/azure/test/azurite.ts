import { BlobServiceClient, type ContainerClient } from '@azure/storage-blob';
import type { StoredObject } from '@ff/exporter-testkit';
import { afterEach, beforeAll, beforeEach } from 'vitest';
import type { AzuriteEnv } from '../../../test-services/azurite/index.mjs';
import { usePeer } from '../../../test-services/peers.mjs';

/** The running Azurite (started for this run, or for this test process). Call in beforeAll. */
export async function useAzurite(): Promise<AzuriteEnv> {
  return (await usePeer('azurite')) as unknown as AzuriteEnv;
}

/** An SDK client of the tests' own, to create containers and read back what landed. */
export function service(env: AzuriteEnv): BlobServiceClient {
  return BlobServiceClient.fromConnectionString(env.AZURE_CONNECTION_STRING);
}

/** The container's URL seen through another port (a fault proxy in front of Azurite). */
export function throughPort(env: AzuriteEnv, port: number): string {
  const url = new URL(env.AZURE_BLOB_ENDPOINT);
  url.port = String(port);
  return url.href;
}

export function azuritePort(env: AzuriteEnv): number {
  return Number(new URL(env.AZURE_BLOB_ENDPOINT).port);
}

/** Every blob in the container, with its bytes, in name order. */
export async function readContainer(container: ContainerClient): Promise<StoredObject[]> {
  const objects: StoredObject[] = [];
  for await (const item of container.listBlobsFlat()) {
    const bytes = await container.getBlobClient(item.name).downloadToBuffer();
    objects.push({ name: item.name, bytes: new Uint8Array(bytes) });
  }
  return objects.sort((a, b) => (a.name < b.name ? -1 : 1));
}

export interface AzuriteContainer {
  env: AzuriteEnv;
  /** The tests' own client, to read back what landed. */
  blobs: BlobServiceClient;
  /** The current test's container, created before it and deleted after it. */
  container: ContainerClient;
}

let serial = 0;

/** Registers the hooks of a test file: Azurite for the file, a fresh container per test. */
export function freshContainers(prefix: string): AzuriteContainer {
  const state = {} as AzuriteContainer;
  beforeAll(async () => {
    state.env = await useAzurite();
    state.blobs = service(state.env);
  });
  beforeEach(async () => {
    state.container = state.blobs.getContainerClient(`${prefix}-${process.pid}-${++serial}`);
    await state.container.create();
  });
  afterEach(async () => {
    await state.container.deleteIfExists();
  });
  return state;
}
