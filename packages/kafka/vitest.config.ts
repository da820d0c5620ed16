import { defineConfig } from 'vitest/config';
import { workspaceSources } from '../../vitest.shared.js';

export default defineConfig({
  resolve: { alias: workspaceSources },
  test: { name: '@ff/exporter-kafka', testTimeout: 30_000 },
});
