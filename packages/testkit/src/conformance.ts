import { conformanceChecks } from './checks.js';
import type { ConformanceOptions } from './options.js';
import { describe, it } from './vitest-api.js';

/**
 * Registers the conformance suite as vitest tests, in a describe block named after the exporter and
 * format. Each check is its own test; one switched off by a capability is reported as skipped, with
 * the capability in its title.
 */
export function exporterConformance(options: ConformanceOptions): void {
  const checks = conformanceChecks(options);
  describe(`${options.name} conformance (${(options.format ?? 'json').toLowerCase()})`, () => {
    for (const check of checks) {
      const title = check.skip === undefined ? check.title : `${check.title} [skipped: ${check.skip}]`;
      it.skipIf(check.skip !== undefined)(title, () => check.run(), check.timeoutMs);
    }
    options.additionalTests?.();
  });
}
