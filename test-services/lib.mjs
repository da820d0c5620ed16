// Shared by the peers' index.mjs files: free ports, detached processes, waiting until ready.
import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/** A TCP port free on 127.0.0.1 right now. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/**
 * Starts a peer process in its own process group, its output appended to `logFile`, not tied to
 * this process: `peers.mjs down` (or `killGroup`) stops it. Resolves its pid once it has spawned.
 */
export function spawnPeer(command, args, { logFile, env, cwd } = {}) {
  mkdirSync(dirname(logFile), { recursive: true });
  const fd = openSync(logFile, 'a');
  const child = spawn(command, args, {
    cwd,
    env: { ...process.env, ...env },
    detached: true,
    stdio: ['ignore', fd, fd],
  });
  closeSync(fd);
  child.unref();
  return new Promise((resolve, reject) => {
    child.once('error', (err) => reject(new Error(`cannot start ${command}: ${err.message}`)));
    child.once('spawn', () => resolve(child.pid));
  });
}

export function isAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** SIGTERM to the process group, SIGKILL after `graceMs` if it is still there. */
export async function killGroup(pid, graceMs = 5_000) {
  const signal = (sig) => {
    try {
      process.kill(-pid, sig);
    } catch {
      try {
        process.kill(pid, sig);
      } catch {}
    }
  };
  signal('SIGTERM');
  for (const started = Date.now(); Date.now() - started < graceMs; await sleep(50)) {
    if (!isAlive(pid)) return;
  }
  signal('SIGKILL');
}

/**
 * Polls `check` (resolving truthy when the peer is ready) until it does, or throws after
 * `timeoutMs` naming `what` and the log file to read. `pid` dying ends the wait at once.
 */
export async function waitFor(check, { what, timeoutMs = 60_000, intervalMs = 200, pid, logFile }) {
  const started = Date.now();
  let last;
  for (;;) {
    try {
      if (await check()) return;
    } catch (err) {
      last = err;
    }
    const where = logFile ? ` (log: ${logFile})` : '';
    if (pid !== undefined && !isAlive(pid)) throw new Error(`${what} exited before it was ready${where}`);
    if (Date.now() - started > timeoutMs) {
      throw new Error(`${what} not ready after ${timeoutMs} ms${where}${last ? `: ${last.message}` : ''}`);
    }
    await sleep(intervalMs);
  }
}
