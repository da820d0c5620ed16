import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: { name: '@ff/demo', testTimeout: 60_000 },
});
