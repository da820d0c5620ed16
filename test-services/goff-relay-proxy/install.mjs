#!/usr/bin/env node
// Builds GO Feature Flag's relay proxy from the Go module proxy into the shared cache, keyed by
// version. `go install <module>/cmd/relayproxy@v<version>` refuses a module with `replace`
// directives, so the build runs in a small temporary module that requires GO Feature Flag's module
// at the version and carries its `replace` lines and go.sum. Idempotent: a built binary is kept. The
// binary is built beside its final place and renamed into it, so an interrupted build never leaves a
// half-made peer that looks ready. A cold build downloads ~1.4 GB of modules into the default Go
// module cache (shared with every other Go build on the machine) and takes minutes.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { binaryPath, GOFF_MODULE, GOFF_VERSION, installDir, isReady, RELAY_PROXY_PACKAGE } from './paths.mjs';

const dir = installDir();
if (isReady()) {
  console.log(`  goff-relay-proxy ${GOFF_VERSION}: cached in ${dir}`);
  process.exit(0);
}

const go = process.env.GO ?? 'go';
const staging = `${dir}.partial-${process.pid}`;
const fail = (message) => {
  rmSync(staging, { recursive: true, force: true });
  console.error(`goff-relay-proxy install: ${message}`);
  process.exit(1);
};
if (spawnSync(go, ['version']).status !== 0) fail(`'${go}' not found: install Go 1.26.6 or newer`);

mkdirSync(dirname(dir), { recursive: true });
rmSync(staging, { recursive: true, force: true });
mkdirSync(staging, { recursive: true });
const started = performance.now();
const elapsed = () => `${((performance.now() - started) / 1000).toFixed(0)} s`;

// The module itself (a few MB): its go.mod's replace lines and its go.sum make the build module.
console.log(`  goff-relay-proxy ${GOFF_VERSION}: fetching ${GOFF_MODULE}@v${GOFF_VERSION}`);
const download = spawnSync(go, ['mod', 'download', '-json', `${GOFF_MODULE}@v${GOFF_VERSION}`], {
  encoding: 'utf8',
});
if (download.status !== 0) fail(`go mod download failed: ${download.stdout}${download.stderr}`);
const module = JSON.parse(download.stdout);
const replaces = readFileSync(module.GoMod, 'utf8')
  .split('\n')
  .filter((line) => line.startsWith('replace '));
const goLine = readFileSync(module.GoMod, 'utf8').match(/^go .+$/m)?.[0] ?? 'go 1.26';
const src = join(staging, 'src');
mkdirSync(src);
writeFileSync(
  join(src, 'go.mod'),
  [
    'module ff-exporters.local/goff-relay-proxy',
    '',
    goLine,
    '',
    `require ${GOFF_MODULE} v${GOFF_VERSION}`,
    '',
    ...replaces,
    '',
  ].join('\n'),
);
writeFileSync(
  join(src, 'go.sum'),
  `${readFileSync(join(module.Dir, 'go.sum'), 'utf8')}${GOFF_MODULE} v${GOFF_VERSION} ${module.Sum}\n${GOFF_MODULE} v${GOFF_VERSION}/go.mod ${module.GoModSum}\n`,
);

// `go build -v` names each package as it compiles, and go each module it downloads: both counted
// as progress, with the time spent.
console.log(
  `  goff-relay-proxy ${GOFF_VERSION}: building ${RELAY_PROXY_PACKAGE} (downloads and compiles; minutes when cold)`,
);
const code = await new Promise((resolve) => {
  const child = spawn(
    go,
    [
      'build',
      '-mod=mod',
      '-v',
      '-trimpath',
      '-ldflags',
      `-s -w -X main.version=${GOFF_VERSION}`,
      '-o',
      binaryPath(staging),
      RELAY_PROXY_PACKAGE,
    ],
    { cwd: src, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let packages = 0;
  let downloads = 0;
  let tail = '';
  child.stderr.on('data', (chunk) => {
    const text = chunk.toString('utf8');
    for (const line of text.split('\n')) {
      if (line.startsWith('go: downloading ')) downloads++;
      else if (line && !line.startsWith('go: ')) packages++;
    }
    tail = (tail + text).slice(-4000);
  });
  const ticker = setInterval(
    () =>
      console.log(
        `  goff-relay-proxy: ${elapsed()}, ${downloads} modules downloaded, ${packages} packages compiled`,
      ),
    15_000,
  );
  child.on('error', (err) => {
    clearInterval(ticker);
    tail += err.message;
    resolve(-1);
  });
  child.on('close', (status) => {
    clearInterval(ticker);
    if (status !== 0) console.error(tail);
    resolve(status);
  });
});
if (code !== 0 || !existsSync(binaryPath(staging)))
  fail(`go build failed (exit ${code}); see the output above`);

rmSync(src, { recursive: true, force: true });
if (existsSync(dir)) rmSync(dir, { recursive: true, force: true });
renameSync(staging, dir);
console.log(`  goff-relay-proxy ${GOFF_VERSION}: built in ${elapsed()} into ${binaryPath()}`);
