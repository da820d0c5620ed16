import { readFileSync } from 'node:fs';
import type { BatchingDefaults, ExportableEvent, Exporter } from '@ff/exporter-core';
import { importFromApplication, KINDS, type PackageLoader, type SupportedKind } from '../src/index.js';

/** What a stand-in exporter class was built with, and what it got. */
export interface Constructed {
  className: string;
  options: Record<string, unknown>;
  exported: ExportableEvent[];
  closed: number;
}

/**
 * A loader that gives, for each exporter package not in `real`, a recording stand-in class under the
 * package's class name: the mapping (config key → constructor option) can be checked for kinds whose
 * package has not landed. `real` packages load as the application would.
 */
export function recordingLoader(
  options: { real?: readonly string[]; batchingDefaults?: Record<string, BatchingDefaults> } = {},
): { load: PackageLoader; constructed: Constructed[]; loaded: string[] } {
  const constructed: Constructed[] = [];
  const loaded: string[] = [];
  const importReal = importFromApplication(process.cwd());
  const load: PackageLoader = async (packageName) => {
    loaded.push(packageName);
    if (options.real?.includes(packageName)) return importReal(packageName);
    const spec = Object.values(KINDS).find((kind) => kind.packageName === packageName);
    if (!spec) return importReal(packageName);
    const { className } = spec;
    const defaults = options.batchingDefaults?.[className];
    class StandIn implements Exporter {
      readonly record: Constructed;
      readonly batchingDefaults = defaults;
      constructor(given: Record<string, unknown>) {
        this.record = { className, options: given, exported: [], closed: 0 };
        constructed.push(this.record);
      }
      isBulk() {
        return true;
      }
      async export(events: readonly ExportableEvent[]) {
        this.record.exported.push(...events);
      }
      async close() {
        this.record.closed++;
      }
    }
    Object.defineProperty(StandIn, 'name', { value: className });
    return { [className]: StandIn };
  };
  return { load, constructed, loaded };
}

export const fixture = (name: string) => new URL(`./fixtures/goff/${name}`, import.meta.url).pathname;

/** The all-six-kinds config (test/fixtures/all-six.yaml), as text. */
export const ALL_SIX = readFileSync(new URL('./fixtures/all-six.yaml', import.meta.url), 'utf8');

/** The members the all-six config wires, in its order, named `kind#index`. */
export const ALL_SIX_NAMES = [
  'file#0',
  'webhook#1',
  's3#2',
  'kafka#3',
  'azureBlobStorage#4',
  'googleStorage#5',
];

/** Whether a kind's real package loads here, as the application would load it. */
export const installed = (kind: SupportedKind): Promise<boolean> =>
  importFromApplication(process.cwd())(KINDS[kind].packageName).then(
    () => true,
    () => false,
  );
