import { fileURLToPath } from 'node:url';
import { defineConfig } from 'tsdown';

const common = { entry: ['src/index.ts'], dts: true, platform: 'node', target: 'node20.19' } as const;
const lazyVitest = fileURLToPath(new URL('./src/vitest-api-lazy.ts', import.meta.url));

export default defineConfig([
  { ...common, format: 'esm' },
  {
    ...common,
    format: 'cjs',
    // vitest refuses require(): the CommonJS build loads it only when exporterConformance() runs.
    plugins: [
      {
        name: 'lazy-vitest',
        resolveId: (id: string) => (id === './vitest-api.js' ? lazyVitest : null),
      },
    ],
  },
]);
