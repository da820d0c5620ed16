import { meantKey } from '@ff/exporter-core';
import { ConfigError } from './config-error.js';
import { planEntry } from './entry.js';
import { isMap, type NormalisedMap, normaliseKeys } from './keys.js';
import type { PlannedExporter, PlanOptions } from './planned-exporter.js';
import { type ConfigSource, readConfig } from './source.js';

export type { PlannedBatching, PlannedExporter, PlanOptions } from './planned-exporter.js';

export interface ExporterPlan {
  exporters: PlannedExporter[];
  /** Keys ignored, unknown or not translated, each with where it is. */
  warnings: string[];
  /** The file the config was read from, if any. */
  file?: string;
}

const TOP_LEVEL = ['exporter', 'exporters', 'flagsets'];
const SECTION = ['exporter', 'exporters', 'name'];

/** The parts of a config that may hold exporters: the top level, and each flag set by its name. */
export interface ConfigSections {
  top: NormalisedMap;
  flagSets: { name: string; keys: Map<string, unknown> }[];
}

export function sectionsOf(document: Record<string, unknown>): ConfigSections {
  const top = normaliseKeys(document, TOP_LEVEL);
  const sets = top.known.get('flagsets');
  const flagSets = (Array.isArray(sets) ? sets : []).filter(isMap).map((set) => {
    const keys = normaliseKeys(set, SECTION).known;
    return { name: String(keys.get('name') ?? ''), keys };
  });
  return { top, flagSets };
}

export const hasExporters = (keys: Map<string, unknown>) =>
  keys.get('exporter') != null || keys.get('exporters') != null;

interface Entry {
  entry: unknown;
  /** For warnings and the CLI: `flagsets[team-a].exporters[1]`. */
  at: string;
  /** For errors, as their relay proxy words it: `flagset team-a: exporter at index 1 validation failed: `. */
  errorPrefix: string;
}

/** Reads and checks a config: every problem at once (ConfigError), nothing loaded, nothing opened. */
export function planExporters(source: ConfigSource, options: PlanOptions = {}): ExporterPlan {
  const cwd = options.cwd ?? process.cwd();
  const { document, file } = readConfig(source, cwd);
  const { top, flagSets } = sectionsOf(document);
  const warnings: string[] = [];
  const problems: string[] = [];
  // A relay-proxy file has many other keys (server, retriever, …): only near-misses of ours are worth a word.
  for (const key of top.unknown) {
    const guess = meantKey(key, TOP_LEVEL);
    if (guess !== undefined) warnings.push(`unknown key "${key}" ignored (did you mean "${guess}"?)`);
  }
  for (const key of top.repeated) problems.push(`"${key}" is given twice, in different cases`);

  const names = flagSets.map((set) => set.name);
  let section = top.known;
  let prefix = '';
  let path = '';
  if (options.flagSet !== undefined) {
    const set = flagSets.find((candidate) => candidate.name === options.flagSet);
    if (!set) {
      const known = names.length === 0 ? 'the config has no flag sets' : `flag sets: ${names.join(', ')}`;
      throw new ConfigError([`flagset ${options.flagSet} not found (${known})`]);
    }
    [section, prefix, path] = [set.keys, `flagset ${set.name}: `, `flagsets[${set.name}].`];
  }

  const entries: Entry[] = [];
  const single = section.get('exporter');
  if (single != null) entries.push({ entry: single, at: `${path}exporter`, errorPrefix: prefix });
  const list = section.get('exporters');
  if (list != null && !Array.isArray(list)) {
    problems.push(
      `${prefix}"exporters" must be a list of exporters, got a ${isMap(list) ? 'map' : typeof list}`,
    );
  }
  (Array.isArray(list) ? list : []).forEach((entry, i) => {
    entries.push({
      entry,
      at: `${path}exporters[${i}]`,
      errorPrefix: `${prefix}exporter at index ${i} validation failed: `,
    });
  });
  if (entries.length === 0 && problems.length === 0) {
    throw new ConfigError([
      options.flagSet === undefined && names.length > 0
        ? `the config's exporters are in its flag sets (${names.join(', ')}): name one with { flagSet: name }`
        : `${prefix}no exporter in the config: add "exporter:" (one) or "exporters:" (a list)`,
    ]);
  }

  const exporters: PlannedExporter[] = [];
  for (const { entry, at, errorPrefix } of entries) {
    const entryProblems: string[] = [];
    const planned = planEntry(entry, at, cwd, options, entryProblems, warnings);
    problems.push(...entryProblems.map((problem) => errorPrefix + problem));
    if (planned) exporters.push(planned);
  }
  if (problems.length > 0) throw new ConfigError(problems);
  if (exporters.length > 1) {
    exporters.forEach((exporter, i) => {
      exporter.name = `${exporter.kind}#${i}`;
    });
  }
  return file === undefined ? { exporters, warnings } : { exporters, warnings, file };
}
