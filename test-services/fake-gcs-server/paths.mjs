// Where the fake-gcs-server binary lives in the shared cache.
import { join } from 'node:path';
import { peerDir } from '../cache.mjs';

export const FAKE_GCS_SERVER_VERSION = '1.55.1';
export const installDir = () => peerDir('fake-gcs-server', FAKE_GCS_SERVER_VERSION);
export const binaryPath = () => join(installDir(), 'fake-gcs-server');
