// Shared by the peers that are Python packages (moto, pyarrow): a venv in the cache, keyed by
// version, built beside its final place and renamed into it, so an interrupted install never
// leaves a half-made venv that looks ready.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';

export const venvPython = (dir) => join(dir, 'bin', 'python');

/**
 * Installs `requirement` (e.g. `pyarrow==26.0.1`) into a venv at `dir` unless `isReady(dir)` says
 * it is there; exits the process with a message naming the failed step otherwise.
 */
export function installVenv({ label, dir, requirement, isReady }) {
  if (isReady(dir)) {
    console.log(`  ${label}: cached in ${dir}`);
    return;
  }
  const python = process.env.PYTHON ?? 'python3';
  const staging = `${dir}.partial-${process.pid}`;
  mkdirSync(dirname(dir), { recursive: true });
  rmSync(staging, { recursive: true, force: true });
  const run = (command, args) => {
    const result = spawnSync(command, args, { stdio: 'inherit' });
    if (result.status !== 0) {
      rmSync(staging, { recursive: true, force: true });
      console.error(
        `${label} install: '${command} ${args.join(' ')}' failed (exit ${result.status ?? result.signal})`,
      );
      process.exit(1);
    }
  };
  console.log(`  ${label}: creating a venv in ${dir} (pip install "${requirement}")`);
  run(python, ['-m', 'venv', staging]);
  run(venvPython(staging), [
    '-m',
    'pip',
    'install',
    '--quiet',
    '--disable-pip-version-check',
    '--no-input',
    requirement,
  ]);
  if (existsSync(dir)) rmSync(dir, { recursive: true, force: true });
  renameSync(staging, dir);
  // A venv's scripts hold its absolute path: check the renamed one through its interpreter, not pip.
  if (!isReady(dir)) {
    console.error(`${label} install: ${venvPython(dir)} cannot import it`);
    process.exit(1);
  }
  console.log(`  ${label}: installed`);
}
