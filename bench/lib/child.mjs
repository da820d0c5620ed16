// Runs a sub-benchmark's measurement in a child process, so every sample starts from a clean heap,
// and reads back the one JSON line it prints last.
import { spawnSync } from 'node:child_process';

export function runChild(script, args, { nodeFlags = ['--expose-gc'], timeoutMs = 600_000 } = {}) {
  const result = spawnSync(process.execPath, [...nodeFlags, script, ...args], {
    encoding: 'utf8',
    maxBuffer: 64 << 20,
    timeout: timeoutMs,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  if (result.status !== 0) {
    throw new Error(
      `${script} ${args.join(' ')} failed (exit ${result.status ?? result.signal})\n${result.stdout}`,
    );
  }
  const last = result.stdout.trim().split('\n').pop();
  return JSON.parse(last);
}
