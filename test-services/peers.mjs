#!/usr/bin/env node
// Starts and stops the real test peers, once per test run and in parallel.
//   node test-services/peers.mjs up [peer…]     install (cached) and start, print timings
//   node test-services/peers.mjs down           stop what `up` started
//   node test-services/peers.mjs status
// A peer is a folder here with install.mjs (idempotent, into the shared cache) and, if it is a
// server, index.mjs exporting `start({ logFile, dataDir })` -> { env, pids }. `up` writes each
// started peer's env (endpoints, ports) to .peers/<peer>.json in this checkout; tests read it with
// `usePeer(name)`, which starts the peer itself when no run is up (one package's tests by hand).
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { isAlive, killGroup } from './lib.mjs';

const here = dirname(fileURLToPath(import.meta.url));
export const stateDir = join(here, '..', '.peers');

export function peerNames() {
  return readdirSync(here, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(here, entry.name, 'install.mjs')))
    .map((entry) => entry.name)
    .sort();
}

function install(name) {
  return new Promise((resolve, reject) => {
    const out = [];
    const child = spawn(process.execPath, [join(here, name, 'install.mjs')], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    // Installs run side by side: their progress lines are prefixed so they stay readable.
    const relay = (stream, chunk) => {
      for (const line of chunk.toString('utf8').split('\n')) if (line) stream.write(`  [${name}] ${line}\n`);
      out.push(chunk);
    };
    child.stdout.on('data', (chunk) => relay(process.stdout, chunk));
    child.stderr.on('data', (chunk) => relay(process.stderr, chunk));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve() : reject(new Error(`test peer ${name}: install failed (exit ${code})`)),
    );
  });
}

const statePath = (name) => join(stateDir, `${name}.json`);

function readState(name) {
  if (!existsSync(statePath(name))) return undefined;
  const state = JSON.parse(readFileSync(statePath(name), 'utf8'));
  return state.pids.every(isAlive) ? state : undefined;
}

async function startPeer(name) {
  const entry = join(here, name, 'index.mjs');
  if (!existsSync(entry)) return undefined;
  const peer = await import(pathToFileURL(entry).href);
  if (typeof peer.start !== 'function') return undefined;
  const dataDir = join(stateDir, `${name}-data`);
  rmSync(dataDir, { recursive: true, force: true });
  mkdirSync(dataDir, { recursive: true });
  return peer.start({ logFile: join(stateDir, `${name}.log`), dataDir });
}

async function up(names) {
  mkdirSync(stateDir, { recursive: true });
  const results = await Promise.allSettled(
    names.map(async (name) => {
      const started = performance.now();
      const seconds = () => ((performance.now() - started) / 1000).toFixed(1);
      await install(name);
      const installed = seconds();
      if (readState(name)) {
        console.log(`  test peer ${name}: installed in ${installed} s, already running`);
        return;
      }
      const state = await startPeer(name);
      if (state) writeFileSync(statePath(name), JSON.stringify(state, null, 2));
      console.log(`  test peer ${name}: installed in ${installed} s${state ? `, up in ${seconds()} s` : ''}`);
    }),
  );
  const failed = results.filter((result) => result.status === 'rejected');
  for (const { reason } of failed) console.error(`  ${reason.message}`);
  return failed.length === 0;
}

async function down() {
  if (!existsSync(stateDir)) return;
  await Promise.all(
    readdirSync(stateDir)
      .filter((file) => file.endsWith('.json'))
      .map(async (file) => {
        const { pids } = JSON.parse(readFileSync(join(stateDir, file), 'utf8'));
        await Promise.all(pids.map((pid) => killGroup(pid)));
        rmSync(join(stateDir, file));
      }),
  );
}

/**
 * The env of a running peer: the one `up` started, or else one started now and recorded like `up`
 * records its peers (vitest may end its workers without an 'exit' event: `peers.mjs down` then
 * stops it, and the next test process reuses it). Call it in beforeAll.
 */
export async function usePeer(name) {
  const running = readState(name);
  if (running) return running.env;
  mkdirSync(stateDir, { recursive: true });
  const state = await startPeer(name);
  if (!state) throw new Error(`test-services/${name} has no start()`);
  writeFileSync(statePath(name), JSON.stringify(state, null, 2));
  return state.env;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [command, ...names] = process.argv.slice(2);
  if (command === 'up') {
    if (!(await up(names.length > 0 ? names : peerNames()))) process.exit(1);
  } else if (command === 'down') {
    await down();
  } else if (command === 'status') {
    for (const name of peerNames()) {
      const state = readState(name);
      console.log(`${name}: ${state ? `running ${JSON.stringify(state.env)}` : 'not running'}`);
    }
  } else {
    console.error('usage: node test-services/peers.mjs up [peer…] | down | status');
    process.exit(2);
  }
}
