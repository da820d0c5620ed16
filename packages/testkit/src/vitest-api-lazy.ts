import type * as Vitest from 'vitest';

// CommonJS build only. vitest throws when require()d, so it is loaded only when the suite is registered:
// the fault proxy and helpers stay usable from CommonJS. (Inside vitest, test files get the ESM build.)
function vitest(): typeof Vitest {
  return require('vitest');
}

export const describe = ((...args: Parameters<typeof Vitest.describe>) =>
  vitest().describe(...args)) as unknown as typeof Vitest.describe;

export const it = {
  skipIf: (condition: unknown) => vitest().it.skipIf(condition),
} as unknown as typeof Vitest.it;
