#!/usr/bin/env node
// Release readiness of every published package (packages/*), beyond what publint and attw check:
// the metadata the npm registry's page shows, the licence in the tarball, README links that work
// on that page (absolute, since the page is not the repository), the Node versions claimed.
// Fixes the mechanical parts with --fix (LICENSE copies, homepage/bugs/repository from the root).
import { copyFileSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const fix = process.argv.includes('--fix');
const REPOSITORY = 'https://github.com/ff-exporters/ff-exporters';
const ENGINES = '>=20.19';
const problems = [];

for (const dir of readdirSync(join(root, 'packages'))) {
  const folder = join(root, 'packages', dir);
  const manifestPath = join(folder, 'package.json');
  if (!existsSync(manifestPath)) continue;
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
  if (manifest.private) continue;
  const say = (problem) => problems.push(`${manifest.name}: ${problem}`);
  const expected = {
    homepage: `${REPOSITORY}/tree/main/packages/${dir}#readme`,
    bugs: { url: `${REPOSITORY}/issues` },
    repository: { type: 'git', url: `git+${REPOSITORY}.git`, directory: `packages/${dir}` },
  };
  for (const [key, value] of Object.entries(expected)) {
    if (JSON.stringify(manifest[key]) === JSON.stringify(value)) continue;
    if (fix) manifest[key] = value;
    else say(`${key} should be ${JSON.stringify(value)}`);
  }
  if (manifest.license !== 'MIT') say('license is not MIT');
  // A package may need a later 20.19.x (a dependency's own minimum), never an earlier line.
  if (!/^>=20\.19(\.\d+)?$/.test(manifest.engines?.node ?? ''))
    say(`engines.node is not ${ENGINES} (or a later 20.19.x)`);
  if (manifest.sideEffects !== false) say('sideEffects is not false');
  if (!Array.isArray(manifest.keywords) || manifest.keywords.length < 3) say('needs keywords (3 or more)');
  if (!manifest.description) say('needs a description');
  if (!existsSync(join(folder, 'LICENSE'))) {
    if (fix) copyFileSync(join(root, 'LICENSE'), join(folder, 'LICENSE'));
    else say('no LICENSE file (npm packs it from the package folder)');
  }
  const readme = existsSync(join(folder, 'README.md')) ? readFileSync(join(folder, 'README.md'), 'utf8') : '';
  if (!readme) say('no README.md');
  for (const [, target] of readme.matchAll(/\]\(([^)\s]+)\)/g)) {
    if (!/^(https?:|mailto:|#)/.test(target))
      say(`README link '${target}' is relative: broken on the npm page`);
  }
  if (fix) writeFileSync(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
}

if (problems.length > 0) {
  console.error(`package checks: ${problems.length} problems\n  ${problems.join('\n  ')}`);
  process.exit(1);
}
console.log('package checks: metadata, LICENSE and README links of every package are ready for the registry');
