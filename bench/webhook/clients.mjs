// What the webhook benchmarks share: the receiver process, and one POST with each bare client.
import { spawn } from 'node:child_process';
import { request } from 'node:http';
import { fileURLToPath } from 'node:url';

/** Starts receiver.mjs in its own process; resolves its base URL and how to stop it. */
export async function startReceiver() {
  const receiver = spawn(process.execPath, [fileURLToPath(new URL('receiver.mjs', import.meta.url))], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const port = await new Promise((resolve, reject) => {
    receiver.stdout.once('data', (data) => resolve(Number(String(data).trim())));
    receiver.once('exit', (code) => reject(new Error(`the receiver exited (${code})`)));
  });
  return { base: `http://127.0.0.1:${port}`, stop: () => receiver.kill('SIGTERM') };
}

/** One POST with fetch, its answer read whole. */
export async function postFetch(url, body) {
  const answer = await fetch(url, { method: 'POST', body, headers: { 'content-type': 'application/json' } });
  await answer.arrayBuffer();
  if (!answer.ok) throw new Error(`fetch: ${answer.status}`);
}

/** One POST with node:http over `agent`, its answer read whole. */
export function postHttp(url, body, agent) {
  return new Promise((resolve, reject) => {
    const headers = { 'content-type': 'application/json', 'content-length': body.length };
    const req = request(url, { method: 'POST', agent, headers }, (res) => {
      res.resume();
      res.on('end', () =>
        res.statusCode === 200 ? resolve() : reject(new Error(`http: ${res.statusCode}`)),
      );
    });
    req.on('error', reject);
    req.end(body);
  });
}
