// The one cache folder for downloaded peers (jars, Go binaries, Python venvs), keyed by version.
import { homedir } from 'node:os';
import { join } from 'node:path';

export const cacheDir = process.env.FF_EXPORTERS_CACHE ?? join(homedir(), '.cache', 'ff-exporters');
export const peerDir = (name, version) => join(cacheDir, `${name}-${version}`);
