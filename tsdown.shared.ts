import type { UserConfig } from 'tsdown';

/** Every published package: dual ESM + CommonJS with types, for Node 20.19+. */
export const library: UserConfig = {
  entry: ['src/index.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  platform: 'node',
  target: 'node20.19',
};
