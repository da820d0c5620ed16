// Azurite's blob server, the Azure Blob Storage emulator: where it is installed and how to start it.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { peerDir } from '../cache.mjs';
import { freePort, spawnPeer, waitFor } from '../lib.mjs';

/** 3.35.0 speaks API version 2025-11-05, the one @azure/storage-blob 12.29.1 sends (docs/decisions/017). */
export const AZURITE_VERSION = '3.35.0';

/** Azurite's well-known development account: public, the same in every Azurite, not a secret. */
export const ACCOUNT_NAME = 'devstoreaccount1';
export const ACCOUNT_KEY =
  'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';

export const azuriteDir = () => peerDir('azurite', AZURITE_VERSION);
export const blobServer = (dir = azuriteDir()) =>
  join(dir, 'node_modules', 'azurite', 'dist', 'src', 'blob', 'main.js');

/**
 * Starts Azurite's blob service on 127.0.0.1 (a free port), in memory, telemetry off. Resolves once
 * it answers HTTP, with the endpoints tests need.
 */
export async function start({ logFile, dataDir }) {
  mkdirSync(dataDir, { recursive: true });
  const port = await freePort();
  const pid = await spawnPeer(
    process.execPath,
    [
      blobServer(),
      '--blobHost',
      '127.0.0.1',
      '--blobPort',
      String(port),
      '--inMemoryPersistence',
      '--disableTelemetry',
      '--silent',
    ],
    { logFile, cwd: dataDir },
  );
  const endpoint = `http://127.0.0.1:${port}/${ACCOUNT_NAME}`;
  // Any HTTP answer (an unauthenticated request gets 4xx) means the server is listening.
  await waitFor(async () => (await fetch(`${endpoint}?comp=list`)).status > 0, {
    what: `azurite on port ${port}`,
    pid,
    logFile,
    timeoutMs: 60_000,
  });
  return {
    env: {
      AZURE_BLOB_ENDPOINT: endpoint,
      AZURE_ACCOUNT_NAME: ACCOUNT_NAME,
      AZURE_ACCOUNT_KEY: ACCOUNT_KEY,
      AZURE_CONNECTION_STRING: `DefaultEndpointsProtocol=http;AccountName=${ACCOUNT_NAME};AccountKey=${ACCOUNT_KEY};BlobEndpoint=${endpoint};`,
    },
    pids: [pid],
  };
}
