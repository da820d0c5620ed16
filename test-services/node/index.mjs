// The other Node.js lines the suite runs on (engines says >= 20.19: 20 runs the whole suite, these
// the unit tests), installed from the npm registry's `node` package into the shared cache.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { peerDir } from '../cache.mjs';

export const NODE_VERSIONS = ['22.23.3', '24.21.0'];

export const nodeDir = (version) => peerDir('node', version);
export const nodeBin = (version) => join(nodeDir(version), 'node_modules', 'node', 'bin', 'node');
export const isInstalled = (version) => existsSync(nodeBin(version));
