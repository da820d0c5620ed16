#!/usr/bin/env node
// npm run release:dry: what a release would publish, without publishing. In a throwaway clone of
// this repository's HEAD: `changeset version` (versions and CHANGELOGs from .changeset/), a build,
// then `pnpm publish --dry-run` of every public package. Checks each tarball holds what a user
// needs (LICENSE, README, both module formats with their types) and prints name@version per package.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const pnpm = 'pnpm';
const REQUIRED = [
  'LICENSE',
  'README.md',
  'package.json',
  'dist/index.mjs',
  'dist/index.cjs',
  'dist/index.d.mts',
  'dist/index.d.cts',
];

function run(command, args, cwd, capture = false) {
  const result = spawnSync(command, args, {
    cwd,
    encoding: 'utf8',
    stdio: capture ? ['ignore', 'pipe', 'pipe'] : 'inherit',
    maxBuffer: 64 << 20,
  });
  if (result.status !== 0) {
    console.error(
      `${command} ${args.join(' ')} failed in ${cwd}\n${result.stdout ?? ''}${result.stderr ?? ''}`,
    );
    process.exit(1);
  }
  return result.stdout;
}

const clone = mkdtempSync(join(tmpdir(), 'ff-release-dry-'));
try {
  console.log(`> clone HEAD into ${clone}`);
  run('git', ['clone', '--quiet', '--no-hardlinks', root, clone], root);
  run(pnpm, ['install', '--frozen-lockfile', '--prefer-offline', '--reporter=silent'], clone);
  console.log('> changeset version');
  run(pnpm, ['exec', 'changeset', 'version'], clone);
  run(pnpm, ['install', '--prefer-offline', '--reporter=silent'], clone);
  run(pnpm, ['exec', 'turbo', 'run', 'build', '--output-logs=errors-only'], clone);
  const problems = [];
  for (const dir of readdirSync(join(clone, 'packages')).sort()) {
    const folder = join(clone, 'packages', dir);
    let manifest;
    try {
      manifest = JSON.parse(readFileSync(join(folder, 'package.json'), 'utf8'));
    } catch {
      continue;
    }
    if (manifest.private) continue;
    const out = run(pnpm, ['publish', '--dry-run', '--no-git-checks', '--json'], folder, true);
    // npm's --json shape: { "<name>": { name, version, size, files: [{ path }] } }.
    const parsed = JSON.parse(out.slice(out.indexOf('{')));
    const report = parsed[manifest.name] ?? parsed;
    const files = new Set(report.files.map((f) => f.path));
    const missing = REQUIRED.filter((f) => !files.has(f));
    const workspaceRanges = Object.entries({ ...manifest.dependencies, ...manifest.peerDependencies }).filter(
      ([, range]) => String(range).startsWith('workspace:'),
    );
    if (missing.length) problems.push(`${manifest.name}: tarball lacks ${missing.join(', ')}`);
    if (workspaceRanges.length) problems.push(`${manifest.name}: workspace: ranges in dependencies or peers`);
    console.log(
      `  ${report.name}@${report.version}: ${report.files.length} files, ${(report.size / 1024).toFixed(1)} kB packed${missing.length ? ` MISSING ${missing.join(', ')}` : ''}`,
    );
  }
  if (problems.length) {
    console.error(`release:dry: ${problems.length} problems\n  ${problems.join('\n  ')}`);
    process.exit(1);
  }
  console.log('release:dry: every package would publish as listed (nothing was published)');
} finally {
  rmSync(clone, { recursive: true, force: true });
}
