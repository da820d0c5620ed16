import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: { name: '@ff/exporter-core', include: ['test/**/*.test.ts'] },
});
