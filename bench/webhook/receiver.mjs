// The benchmark's webhook receiver, in its own process: reads each body whole, gunzips it when asked,
// and counts its events per path (each event starts with `{"kind":`), so a contender's delivery is
// checked, not assumed. It does not JSON.parse: the receiver must cost little, so the client's cost shows.
// GET /count/<path> answers the events received on /<path>. Prints its port on its first line.
import { createServer } from 'node:http';
import { gunzipSync } from 'node:zlib';

const EVENT = Buffer.from('{"kind":');
const counts = new Map();
const server = createServer((req, res) => {
  const parts = [];
  req.on('data', (chunk) => parts.push(chunk));
  req.on('end', () => {
    if (req.method === 'GET' && req.url.startsWith('/count/')) {
      res.end(String(counts.get(req.url.slice('/count'.length)) ?? 0));
      return;
    }
    let raw = Buffer.concat(parts);
    if (req.headers['content-encoding'] === 'gzip') raw = gunzipSync(raw);
    let events = 0;
    for (let at = raw.indexOf(EVENT); at !== -1; at = raw.indexOf(EVENT, at + EVENT.length)) events++;
    counts.set(req.url, (counts.get(req.url) ?? 0) + events);
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end('ok');
  });
});
server.keepAliveTimeout = 30_000;
server.listen(0, '127.0.0.1', () => console.log(server.address().port));
process.on('SIGTERM', () => process.exit(0));
