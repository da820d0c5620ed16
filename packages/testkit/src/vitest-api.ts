// The test runner the suite registers with. The CommonJS build swaps this module for
// vitest-api-lazy.ts (see tsdown.config.ts): vitest cannot be require()d.
export { describe, it } from 'vitest';
