// moto server, the S3 emulator the S3 exporter is tested against: where its venv lives, and how to
// start it on a free port of 127.0.0.1.
import { execFile, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { peerDir } from '../cache.mjs';
import { freePort, spawnPeer, waitFor } from '../lib.mjs';
import { venvPython as pythonIn } from '../venv.mjs';

export const MOTO_VERSION = '5.2.5';
export const INSTALL_COMMAND = 'node test-services/moto/install.mjs';

export const venvDir = () => peerDir('moto', MOTO_VERSION);
export const venvPython = (dir = venvDir()) => pythonIn(dir);

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
 * Starts a moto server on a free port and waits until it answers. With `authChecks: true` it then
 * creates an IAM user allowed s3:*, and turns moto's auth checks on (what INITIAL_NO_AUTH_ACTION_COUNT=0
 * does at start, through its /moto-api/reset-auth): from then on only that user's key passes, a wrong
 * key gets 403 InvalidAccessKeyId and a wrong secret 403 SignatureDoesNotMatch. The key is in `env`.
 */
export async function start({ logFile, authChecks = false }) {
  if (!isReady()) {
    throw new Error(`moto ${MOTO_VERSION} is not installed in ${venvDir()}: run '${INSTALL_COMMAND}'`);
  }
  const port = await freePort();
  // Run the module, not the moto_server script: a venv's scripts hold the path it was built at.
  const pid = await spawnPeer(venvPython(), ['-m', 'moto.server', '-H', '127.0.0.1', '-p', String(port)], {
    logFile,
  });
  const endpoint = `http://127.0.0.1:${port}`;
  await waitFor(async () => (await fetch(`${endpoint}/moto-api/`)).ok, {
    what: `moto server on ${endpoint}`,
    pid,
    logFile,
  });
  if (!authChecks) return { env: { S3_ENDPOINT: endpoint }, pids: [pid] };
  const script = fileURLToPath(new URL('./iam_user.py', import.meta.url));
  const { stdout } = await promisify(execFile)(venvPython(), [script, endpoint], { encoding: 'utf8' });
  const key = JSON.parse(stdout);
  const reset = await fetch(`${endpoint}/moto-api/reset-auth`, {
    method: 'POST',
    headers: { 'content-type': 'text/plain' },
    body: '0',
  });
  if (!reset.ok) throw new Error(`moto on ${endpoint}: cannot turn auth checks on (${reset.status})`);
  return {
    env: {
      S3_ENDPOINT: endpoint,
      S3_ACCESS_KEY_ID: key.accessKeyId,
      S3_SECRET_ACCESS_KEY: key.secretAccessKey,
    },
    pids: [pid],
  };
}
