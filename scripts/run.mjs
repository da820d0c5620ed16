#!/usr/bin/env node
// The README's commands (`npm run demo`, `npm test`, `npm run bench`) on a fresh machine with
// only Node and npm: bootstrap the pinned pnpm into a cache folder, install, build, then run.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
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

/** Test counts of every vitest run so far: the last line sums them up. */
const totals = { passed: 0, failed: 0, skipped: 0 };

// Runs vitest (with `node`, default this Node) and adds its counts to the totals.
function vitest(args, node = process.execPath) {
  const report = join(root, '.vitest-results.json');
  rmSync(report, { force: true });
  const result = spawnSync(
    node,
    [
      join(root, 'node_modules', 'vitest', 'vitest.mjs'),
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
    totals.passed += numPassedTests;
    totals.failed += numFailedTests;
    totals.skipped += numPendingTests + numTodoTests;
    process.stdout.write(
      `\nvitest on ${node === process.execPath ? `Node ${process.version}` : node}: ${numPassedTests} passed, ${numFailedTests} failed\n`,
    );
  } else totals.failed++;
  return result.status ?? 1;
}

/** The unit tests (no peer needed) that also run on every other Node line of test-services/node. */
const UNIT_PROJECTS = [
  '@ff/exporter-core',
  '@ff/exporter-testkit',
  '@ff/exporter-file',
  '@ff/exporter-webhook',
  '@ff/exporter-config',
];

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
      let status = step(`vitest (Node ${process.version})`, () => vitest(process.argv.slice(3)));
      step('test peers down', () =>
        spawnSync(process.execPath, ['test-services/peers.mjs', 'down'], { cwd: root, stdio: 'inherit' }),
      );
      if (process.argv.length === 3) {
        const { NODE_VERSIONS, nodeBin } = await import('../test-services/node/index.mjs');
        const projects = UNIT_PROJECTS.filter((name) =>
          existsSync(join(root, 'packages', name.replace('@ff/exporter-', ''), 'package.json')),
        ).flatMap((name) => ['--project', name]);
        for (const version of NODE_VERSIONS) {
          const code = step(`unit tests on Node ${version}`, () => vitest(projects, nodeBin(version)));
          status ||= code;
        }
      }
      // The plain closing line CI readers understand, summed over every run above.
      process.stdout.write(
        `\nTests: ${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped\n`,
      );
      if (status !== 0) process.exit(status);
    }
    break;
  case 'docs':
    step('API docs (TypeDoc) -> docs/api/', () => pnpm(['exec', 'typedoc']));
    break;
  case 'release-dry':
    run(process.execPath, ['scripts/release-dry.mjs']);
    break;
  case 'bench':
    run(process.execPath, ['bench/run.mjs', ...process.argv.slice(3)]);
    break;
  default:
    process.stderr.write('usage: node scripts/run.mjs demo|test|bench|docs|release-dry\n');
    process.exit(2);
}
