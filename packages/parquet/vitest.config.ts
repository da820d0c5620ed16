import { defineConfig } from 'vitest/config';
import { workspaceSources } from '../../vitest.shared.js';

export default defineConfig({
  resolve: { alias: workspaceSources },
  test: { name: '@ff/exporter-parquet', testTimeout: 120_000, hookTimeout: 120_000 },
});
