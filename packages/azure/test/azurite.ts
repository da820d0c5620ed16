import { BlobServiceClient, type ContainerClient } from '@azure/storage-blob';
import type { StoredObject } from '@ff/exporter-testkit';
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
