// fake-gcs-server, the Google Cloud Storage emulator the GCS exporter is tested against: started on
// 127.0.0.1 with an in-memory backend, waited for until its JSON API answers.
import { existsSync } from 'node:fs';
import { freePort, spawnPeer, waitFor } from '../lib.mjs';
import { binaryPath, FAKE_GCS_SERVER_VERSION } from './paths.mjs';

export { binaryPath, FAKE_GCS_SERVER_VERSION } from './paths.mjs';

/**
 * Starts fake-gcs-server on a free port. `externalUrl` is what it writes into resumable upload
 * session URLs (the `Location` header): by default its own address; a test that puts a fault proxy in
 * front of it passes the proxy's URL, so the upload's later requests go through the proxy too.
 */
export async function start({ logFile, port, externalUrl }) {
  const bin = binaryPath();
  if (!existsSync(bin)) {
    throw new Error(
      `fake-gcs-server ${FAKE_GCS_SERVER_VERSION} is not installed: run 'node test-services/fake-gcs-server/install.mjs'`,
    );
  }
  const listen = port ?? (await freePort());
  const url = `http://127.0.0.1:${listen}`;
  const pid = await spawnPeer(
    bin,
    [
      '-scheme',
      'http',
      '-host',
      '127.0.0.1',
      '-port',
      String(listen),
      '-backend',
      'memory',
      '-external-url',
      externalUrl ?? url,
      '-public-host',
      `127.0.0.1:${listen}`,
      '-log-level',
      'warn',
    ],
    { logFile },
  );
  await waitFor(async () => (await fetch(`${url}/storage/v1/b`)).ok, {
    what: `fake-gcs-server on ${url}`,
    pid,
    logFile,
  });
  return { env: { GCS_ENDPOINT: url }, pids: [pid] };
}
