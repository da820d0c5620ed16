// GO Feature Flag's relay proxy as a test peer: serves flags.goff.yaml (OFREP included) on
// 127.0.0.1 and writes the evaluations it served with its own `file` exporter (JSON Lines) into
// dataDir/export, flushed every 250 ms, for tests to compare with what an app-side hook recorded.
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, spawnPeer, waitFor } from '../lib.mjs';
import { binaryPath, GOFF_VERSION, INSTALL_COMMAND, isReady } from './paths.mjs';

export { binaryPath, GOFF_VERSION, INSTALL_COMMAND, isReady } from './paths.mjs';

const here = dirname(fileURLToPath(import.meta.url));
/** The flag file the relay proxy serves. */
export const FLAGS_FILE = join(here, 'flags.goff.yaml');
/** How often the relay proxy's file exporter writes what it holds. */
export const FLUSH_INTERVAL_MS = 250;

export async function start({ logFile, dataDir }) {
  if (!isReady()) {
    throw new Error(`GO Feature Flag relay proxy ${GOFF_VERSION} is not built: run '${INSTALL_COMMAND}'`);
  }
  const port = await freePort();
  const exportDir = join(dataDir, 'export');
  mkdirSync(exportDir, { recursive: true });
  const flags = join(dataDir, 'flags.goff.yaml');
  copyFileSync(FLAGS_FILE, flags);
  const config = join(dataDir, 'relay-proxy.yaml');
  // JSON is YAML: no YAML writer needed, and paths with odd characters stay quoted.
  writeFileSync(
    config,
    JSON.stringify(
      {
        server: { mode: 'http', host: '127.0.0.1', port },
        hideBanner: true,
        logLevel: 'info',
        pollingInterval: 60_000,
        retrievers: [{ kind: 'file', path: flags }],
        exporters: [{ kind: 'file', outputDir: exportDir, format: 'json', flushInterval: FLUSH_INTERVAL_MS }],
      },
      null,
      2,
    ),
  );
  const url = `http://127.0.0.1:${port}`;
  const pid = await spawnPeer(binaryPath(), ['--config', config], { logFile, cwd: dataDir });
  await waitFor(async () => (await fetch(`${url}/health`)).ok, {
    what: `GO Feature Flag relay proxy ${GOFF_VERSION} on ${url}`,
    pid,
    logFile,
    timeoutMs: 30_000,
  });
  return { env: { GOFF_RELAY_URL: url, GOFF_EXPORT_DIR: exportDir }, pids: [pid] };
}
