import { defineConfig } from 'tsdown';
import { library } from '../../tsdown.shared.ts';

// The CLI is a second entry: `ff-exporters` runs dist/cli.mjs.
export default defineConfig({ ...library, entry: ['src/index.ts', 'src/cli.ts'] });
