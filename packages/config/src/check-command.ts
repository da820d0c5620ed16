import { createRequire } from 'node:module';
import { join } from 'node:path';
import { ConfigError } from './config-error.js';
import { describeBatching, describeOptions } from './describe.js';
import { PARQUET_PACKAGE } from './kinds.js';
import { hasExporters, type PlannedExporter, planExporters, sectionsOf } from './plan.js';
import { readConfig } from './source.js';

export interface CliIo {
  stdout: (line: string) => void;
  stderr: (line: string) => void;
  cwd: string;
  /** Whether a package resolves, from this package or the application. */
  installed?: (packageName: string) => boolean;
}

const USAGE = `usage: ff-exporters check <config.yaml> [--flag-set <name>]

Checks a GO Feature Flag relay-proxy exporter config and prints what @ff/exporter-config would wire:
each exporter's kind, name, options (secrets masked) and batching. Exits 1 when the config is invalid.
Without --flag-set, the top-level exporters and those of every flag set are checked.`;

/** `ff-exporters check`: resolves with the exit code (0 valid, 1 invalid, 2 usage). */
export function runCli(argv: readonly string[], io: CliIo): number {
  const [command, ...rest] = argv;
  if (command === '--help' || command === '-h' || command === 'help') {
    io.stdout(USAGE);
    return 0;
  }
  if (command !== 'check') {
    io.stderr(command === undefined ? USAGE : `unknown command '${command}'\n\n${USAGE}`);
    return 2;
  }
  let file: string | undefined;
  let flagSet: string | undefined;
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i]!;
    if (arg === '--flag-set' || arg === '--flagset') flagSet = rest[++i];
    else if (arg.startsWith('--flag-set=')) flagSet = arg.slice('--flag-set='.length);
    else if (arg.startsWith('-')) {
      io.stderr(`unknown option '${arg}'\n\n${USAGE}`);
      return 2;
    } else if (file === undefined) file = arg;
    else {
      io.stderr(`one config file at a time, got '${file}' and '${arg}'\n\n${USAGE}`);
      return 2;
    }
  }
  if (file === undefined || (flagSet !== undefined && flagSet === '')) {
    io.stderr(USAGE);
    return 2;
  }
  return check(file, flagSet, io);
}

function check(file: string, flagSet: string | undefined, io: CliIo): number {
  let document: Record<string, unknown>;
  try {
    document = readConfig(file, io.cwd).document;
  } catch (err) {
    io.stderr(`error: ${(err as Error).message}`);
    return 1;
  }
  const sections = flagSet === undefined ? sectionNames(document) : [flagSet];
  const problems: string[] = [];
  const warnings = new Set<string>();
  const planned: PlannedExporter[][] = [];
  for (const section of sections) {
    try {
      const plan = planExporters(document, {
        cwd: io.cwd,
        ...(section === undefined ? {} : { flagSet: section }),
      });
      for (const warning of plan.warnings) warnings.add(warning);
      planned.push(plan.exporters);
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      problems.push(...err.problems);
    }
  }
  for (const warning of warnings) io.stderr(`warning: ${warning}`);
  if (problems.length > 0) {
    for (const problem of problems) io.stderr(`error: ${problem}`);
    io.stderr(`${file}: invalid (${problems.length} ${problems.length === 1 ? 'problem' : 'problems'})`);
    return 1;
  }
  const installed = io.installed ?? resolvable(io.cwd);
  sections.forEach((section, i) => {
    const exporters = planned[i]!;
    const title =
      section === undefined ? 'createExporter(config)' : `createExporter(config, { flagSet: '${section}' })`;
    io.stdout(
      `${title} wires ${exporters.length === 1 ? 'one DataExporter' : `a fanOut of ${exporters.length} DataExporters`}:`,
    );
    for (const exporter of exporters) {
      const packages = [exporter.packageName, ...(exporter.parquet ? [PARQUET_PACKAGE] : [])];
      const status = packages
        .map((name) =>
          installed(name) ? `${name} (installed)` : `${name} (not installed: npm install ${name})`,
        )
        .join(', ');
      io.stdout(
        `  ${exporter.name}: kind ${exporter.kind} → ${exporter.className} from ${status}, at ${exporter.at}`,
      );
      for (const line of describeOptions(exporter)) io.stdout(`    ${line}`);
      io.stdout(`    batching: ${describeBatching(exporter)}`);
    }
  });
  io.stdout(`${file}: valid`);
  return 0;
}

/** Every part of the config that has exporters: the top level (undefined), then each flag set by name. */
function sectionNames(document: Record<string, unknown>): (string | undefined)[] {
  const { top, flagSets } = sectionsOf(document);
  const named = flagSets.filter((set) => hasExporters(set.keys)).map((set) => set.name);
  // With nothing anywhere, the top level is checked, so its message says what is missing.
  return hasExporters(top.known) || named.length === 0 ? [undefined, ...named] : named;
}

function resolvable(cwd: string): (packageName: string) => boolean {
  const fromHere = createRequire(import.meta.url);
  const fromApp = createRequire(join(cwd, 'noop.js'));
  return (name) =>
    [fromHere, fromApp].some((require) => {
      try {
        require.resolve(name);
        return true;
      } catch {
        return false;
      }
    });
}
