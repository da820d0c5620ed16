// pyarrow, the Python reader the Parquet tests check their files with: where its venv lives, and
// how to run a reader script in it.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { peerDir } from '../cache.mjs';

export const PYARROW_VERSION = '26.0.1';

export const venvDir = () => peerDir('pyarrow', PYARROW_VERSION);
export const venvPython = (dir = venvDir()) => join(dir, 'bin', 'python');
export const INSTALL_COMMAND = 'node test-services/pyarrow/install.mjs';

/** True when the venv exists and imports the pinned pyarrow. */
export function isReady() {
  const python = venvPython();
  if (!existsSync(python)) return false;
  const check = spawnSync(python, [
    '-c',
    `import pyarrow, sys; sys.exit(pyarrow.__version__ != '${PYARROW_VERSION}')`,
  ]);
  return check.status === 0;
}

/** The venv's interpreter; throws, naming the install command, when the venv is missing. */
export function pyarrowPython() {
  if (!isReady()) {
    throw new Error(
      `pyarrow ${PYARROW_VERSION} is not installed in ${venvDir()}: run '${INSTALL_COMMAND}' from the repository root`,
    );
  }
  return venvPython();
}

/**
 * Runs a Python script in the pyarrow venv with `args`, and resolves its standard output. Rejects
 * with its standard error when it exits non-zero.
 */
export function runPython(script, args = [], options = {}) {
  const python = pyarrowPython();
  return new Promise((resolve, reject) => {
    const child = spawn(python, [script, ...args], { stdio: ['ignore', 'pipe', 'pipe'], ...options });
    const out = [];
    const err = [];
    child.stdout.on('data', (chunk) => out.push(chunk));
    child.stderr.on('data', (chunk) => err.push(chunk));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      const stdout = Buffer.concat(out).toString('utf8');
      if (code === 0) resolve(stdout);
      else
        reject(
          new Error(`${script} failed (${signal ?? `exit ${code}`}): ${Buffer.concat(err).toString('utf8')}`),
        );
    });
  });
}
