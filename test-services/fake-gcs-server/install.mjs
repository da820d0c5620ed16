#!/usr/bin/env node
// Installs fake-gcs-server (Go module proxy, built from source) into the shared cache, keyed by
// version. Idempotent: a binary already there is kept. It is built into a staging folder beside its
// final place and renamed into it, so an interrupted build never leaves a binary that looks ready.
// The first build compiles the Google Cloud client libraries: it takes minutes.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { binaryPath, FAKE_GCS_SERVER_VERSION, installDir } from './paths.mjs';

const dir = installDir();
if (existsSync(binaryPath())) {
  console.log(`  fake-gcs-server ${FAKE_GCS_SERVER_VERSION}: cached in ${dir}`);
  process.exit(0);
}

const staging = `${dir}.partial-${process.pid}`;
mkdirSync(dirname(dir), { recursive: true });
rmSync(staging, { recursive: true, force: true });
mkdirSync(staging, { recursive: true });

const module = `github.com/fsouza/fake-gcs-server@v${FAKE_GCS_SERVER_VERSION}`;
console.log(`  fake-gcs-server ${FAKE_GCS_SERVER_VERSION}: go install ${module} (first build takes minutes)`);
const started = Date.now();
// Progress: -v prints each package as it is compiled; a line every 15 s says the build is alive.
const ticker = setInterval(
  () => console.log(`  fake-gcs-server: still building (${Math.round((Date.now() - started) / 1000)} s)`),
  15_000,
);
const code = await new Promise((resolve) => {
  const child = spawn('go', ['install', '-v', module], {
    env: { ...process.env, GOBIN: staging, CGO_ENABLED: '0', GOFLAGS: '-mod=mod' },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  child.on('error', (err) => {
    console.error(`fake-gcs-server install: cannot run go (${err.message}): install Go 1.24+`);
    resolve(1);
  });
  child.on('close', (status) => resolve(status ?? 1));
});
clearInterval(ticker);
if (code !== 0) {
  rmSync(staging, { recursive: true, force: true });
  console.error(`fake-gcs-server install: 'go install ${module}' failed (exit ${code})`);
  process.exit(1);
}
if (existsSync(dir)) rmSync(dir, { recursive: true, force: true });
renameSync(staging, dir);
console.log(
  `  fake-gcs-server ${FAKE_GCS_SERVER_VERSION}: built in ${Math.round((Date.now() - started) / 1000)} s`,
);
