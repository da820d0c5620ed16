#!/usr/bin/env node
// The README's commands (`npm run demo`, `npm test`, `npm run bench`) on a fresh machine with
// only Node and npm: bootstrap the pinned pnpm into a cache folder, install, build, then run.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const task = process.argv[2];
const cache = process.env.FF_EXPORTERS_CACHE ?? join(homedir(), '.cache', 'ff-exporters');

function step(label, fn) {
  const started = performance.now();
  process.stdout.write(`> ${label}\n`);
  const result = fn();
  process.stdout.write(`  ${label}: ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
  return result;
}

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', ...options });
  if (result.status !== 0) {
    process.stderr.write(`\n${command} ${args.join(' ')} failed (exit ${result.status ?? result.signal})\n`);
    process.exit(result.status ?? 1);
  }
}

function pnpmBin() {
  const version = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).packageManager.split('@')[1];
  const prefix = join(cache, `pnpm-${version}`);
  const bin = join(prefix, 'node_modules', 'pnpm', 'bin', 'pnpm.cjs');
  if (!existsSync(bin)) {
    step(`install pnpm ${version} into ${prefix}`, () =>
      execFileSync('npm', ['install', '--prefix', prefix, '--no-audit', '--no-fund', `pnpm@${version}`], {
        stdio: 'inherit',
      }),
    );
  }
  return bin;
}

// turbo looks pnpm up on PATH; its telemetry stays off (no traffic but the registries).
process.env.PATH = `${join(dirname(pnpmBin()), '..', '..', '.bin')}:${process.env.PATH}`;
process.env.TURBO_TELEMETRY_DISABLED = '1';
process.env.DO_NOT_TRACK = '1';

const pnpm = (args, options) => run(process.execPath, [pnpmBin(), ...args], options);

// Runs the suite and ends with the plain `N passed, N failed` line that any CI reader understands.
function vitest(args) {
  const report = join(root, '.vitest-results.json');
  const result = spawnSync(
    process.execPath,
    [
      pnpmBin(),
      'exec',
      'vitest',
      'run',
      '--reporter=default',
      '--reporter=json',
      `--outputFile.json=${report}`,
      ...args,
    ],
    { cwd: root, stdio: 'inherit' },
  );
  if (existsSync(report)) {
    const { numPassedTests, numFailedTests, numPendingTests, numTodoTests } = JSON.parse(
      readFileSync(report, 'utf8'),
    );
    process.stdout.write(
      `\nTests: ${numPassedTests} passed, ${numFailedTests} failed, ${numPendingTests + numTodoTests} skipped\n`,
    );
  }
  return result.status ?? 1;
}

step('pnpm install', () => pnpm(['install', '--frozen-lockfile', '--prefer-offline']));
step('build', () => pnpm(['exec', 'turbo', 'run', 'build', '--output-logs=errors-only']));

switch (task) {
  case 'demo':
    run(process.execPath, ['examples/demo/dist/main.mjs', ...process.argv.slice(3)]);
    break;
  case 'test':
    step('lint', () => pnpm(['exec', 'biome', 'check', '.']));
    step('typecheck', () => pnpm(['exec', 'turbo', 'run', 'typecheck', '--output-logs=errors-only']));
    step('package checks (publint, attw)', () =>
      pnpm(['exec', 'turbo', 'run', 'test:build', '--output-logs=errors-only']),
    );
    // The peers are started once for the whole run, in parallel, and stopped whatever the outcome.
    step('test peers up', () => run(process.execPath, ['test-services/peers.mjs', 'up']));
    {
      const status = step('vitest', () => vitest(process.argv.slice(3)));
      step('test peers down', () =>
        spawnSync(process.execPath, ['test-services/peers.mjs', 'down'], { cwd: root, stdio: 'inherit' }),
      );
      if (status !== 0) process.exit(status);
    }
    break;
  case 'docs':
    step('API docs (TypeDoc) -> docs/api/', () => pnpm(['exec', 'typedoc']));
    break;
  case 'bench':
    run(process.execPath, ['bench/run.mjs', ...process.argv.slice(3)]);
    break;
  default:
    process.stderr.write('usage: node scripts/run.mjs demo|test|bench|docs\n');
    process.exit(2);
}
