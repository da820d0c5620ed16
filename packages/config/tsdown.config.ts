import { defineConfig } from 'tsdown';
import { library } from '../../tsdown.shared.ts';

// The CLI (`ff-exporters`, dist/cli.mjs) is ESM only: it is run, never imported.
export default defineConfig([library, { ...library, entry: ['src/cli.ts'], format: ['esm'], dts: false }]);
