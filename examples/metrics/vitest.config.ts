import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: { name: '@ff/example-metrics', testTimeout: 60_000 },
});
