// Where GO Feature Flag's relay proxy binary lives once built, and whether it is there.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { peerDir } from '../cache.mjs';

export const GOFF_MODULE = 'github.com/thomaspoignant/go-feature-flag';
export const GOFF_VERSION = '1.55.2';
/** The relay proxy's main package inside GO Feature Flag's module. */
export const RELAY_PROXY_PACKAGE = `${GOFF_MODULE}/cmd/relayproxy`;
export const INSTALL_COMMAND = 'node test-services/goff-relay-proxy/install.mjs';

export const installDir = () => peerDir('goff-relay-proxy', GOFF_VERSION);
export const binaryPath = (dir = installDir()) => join(dir, 'relayproxy');
export const isReady = () => existsSync(binaryPath());
