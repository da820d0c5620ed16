// moto server, the S3 emulator the S3 exporter is tested against: where its venv lives, and how to
// start it on a free port of 127.0.0.1.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { peerDir } from '../cache.mjs';
import { freePort, spawnPeer, waitFor } from '../lib.mjs';

export const MOTO_VERSION = '5.2.5';
export const INSTALL_COMMAND = 'node test-services/moto/install.mjs';

export const venvDir = () => peerDir('moto', MOTO_VERSION);
export const venvPython = (dir = venvDir()) => join(dir, 'bin', 'python');

/** True when the venv exists and imports the pinned moto with its server extra. */
export function isReady(dir = venvDir()) {
  const python = venvPython(dir);
  if (!existsSync(python)) return false;
  const check = spawnSync(python, [
    '-c',
    `import moto, moto.server, sys; sys.exit(moto.__version__ != '${MOTO_VERSION}')`,
  ]);
  return check.status === 0;
}

/**
 * Starts a moto server on a free port and waits until it answers. `authChecks: true` makes it check
 * access keys and signatures from the first request on (moto's INITIAL_NO_AUTH_ACTION_COUNT=0):
 * then only the keys it knows pass, and a wrong key gets 403 InvalidAccessKeyId.
 */
export async function start({ logFile, authChecks = false }) {
  if (!isReady()) {
    throw new Error(`moto ${MOTO_VERSION} is not installed in ${venvDir()}: run '${INSTALL_COMMAND}'`);
  }
  const port = await freePort();
  const env = { MOTO_PORT: String(port) };
  if (authChecks) env.INITIAL_NO_AUTH_ACTION_COUNT = '0';
  // Run the module, not the moto_server script: a venv's scripts hold the path it was built at.
  const pid = await spawnPeer(venvPython(), ['-m', 'moto.server', '-H', '127.0.0.1', '-p', String(port)], {
    logFile,
    env,
  });
  const endpoint = `http://127.0.0.1:${port}`;
  await waitFor(async () => (await fetch(`${endpoint}/moto-api/`)).ok, {
    what: `moto server on ${endpoint}`,
    pid,
    logFile,
  });
  return { env: { S3_ENDPOINT: endpoint }, pids: [pid] };
}
