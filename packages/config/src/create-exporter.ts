import {
  consoleLogger,
  DataExporter,
  type DataExporterOptions,
  type Exporter,
  type FanOut,
  fanOut,
  type Logger,
} from '@ff/exporter-core';
import { ConfigError } from './config-error.js';
import { PARQUET_PACKAGE, type SupportedKind } from './kinds.js';
import { exportOf, importFromApplication, isNotFound, type PackageLoader } from './load.js';
import { type PlannedExporter, type PlanOptions, planExporters } from './plan.js';
import type { ConfigSource } from './source.js';

/** Compresses one Parquet page, as `parquet({ compressors })` of @ff/exporter-parquet takes it. */
export type ParquetCompressor = (input: Uint8Array) => Uint8Array;

export interface CreateExporterOptions extends PlanOptions {
  /** Warnings about the config, and each DataExporter's logs. Default: core's console logger. */
  logger?: Logger;
  /** Loads an exporter package by name. Default: as the application resolves it (see the README). */
  load?: PackageLoader;
  /**
   * Constructor options per kind, over the config's: what their YAML cannot say (an S3 `clientConfig`,
   * Kafka TLS and SASL, an Azure `serviceUrl` or `credential`).
   */
  exporterOptions?: { [K in SupportedKind]?: Record<string, unknown> };
  /** Compressors for Parquet codecs node:zlib lacks (ZSTD before Node.js 22.15, LZ4). */
  parquetCompressors?: Readonly<Record<string, ParquetCompressor>>;
  /** DataExporter options for every exporter (retry, closeTimeoutMs, …); the config's own keys win. */
  dataExporter?: Omit<DataExporterOptions, 'exporter' | 'name'>;
}

type ExporterClass = new (options: Record<string, unknown>) => Exporter;
type ParquetFactory = (options: Record<string, unknown>) => unknown;

/**
 * Wires the exporters of a GO Feature Flag relay-proxy config, as it is: one DataExporter, or a
 * `fanOut` of several named `kind#index`. The config is checked whole before any exporter package is
 * loaded; no exporter connects before its first export.
 */
export async function createExporter(
  config: ConfigSource,
  options: CreateExporterOptions = {},
): Promise<DataExporter | FanOut> {
  const plan = planExporters(config, options);
  const logger = options.logger ?? options.dataExporter?.logger ?? consoleLogger;
  for (const warning of plan.warnings) logger.warn({ config: plan.file ?? 'object' }, warning);

  const modules = await loadPackages(
    plan.exporters,
    options.load ?? importFromApplication(options.cwd ?? process.cwd()),
  );
  const built: DataExporter[] = [];
  try {
    for (const planned of plan.exporters) built.push(wire(planned, modules, options, logger));
  } catch (err) {
    // Nothing was sent: closing is immediate, and unhooks their exit handlers.
    await Promise.all(built.map((member) => member.close({ timeoutMs: 0 })));
    throw err;
  }
  return built.length === 1 ? built[0]! : fanOut(...built);
}

async function loadPackages(
  exporters: readonly PlannedExporter[],
  load: PackageLoader,
): Promise<Map<string, Record<string, unknown>>> {
  const neededBy = new Map<string, string[]>();
  const need = (name: string, by: string) => neededBy.set(name, [...(neededBy.get(name) ?? []), by]);
  for (const planned of exporters) {
    need(planned.packageName, `kind "${planned.kind}"`);
    if (planned.parquet) need(PARQUET_PACKAGE, `format "parquet" (${planned.at})`);
  }
  const modules = new Map<string, Record<string, unknown>>();
  const problems: string[] = [];
  const missing: string[] = [];
  await Promise.all(
    [...neededBy].map(async ([name, by]) => {
      try {
        modules.set(name, await load(name));
      } catch (err) {
        if (!isNotFound(err, name)) {
          problems.push(
            `${[...new Set(by)].join(', ')}: cannot load ${name}: ${(err as Error)?.message ?? err}`,
          );
          return;
        }
        missing.push(name);
        problems.push(`${[...new Set(by)].join(', ')} needs the ${name} package, which is not installed`);
      }
    }),
  );
  if (missing.length > 0) problems.push(`install: npm install ${missing.sort().join(' ')}`);
  if (problems.length > 0) throw new ConfigError(problems);
  return modules;
}

function wire(
  planned: PlannedExporter,
  modules: Map<string, Record<string, unknown>>,
  options: CreateExporterOptions,
  logger: Logger,
): DataExporter {
  const where = `${planned.at} (kind "${planned.kind}")`;
  const Class = exportOf(modules.get(planned.packageName)!, planned.className);
  if (typeof Class !== 'function') {
    throw new ConfigError([`${where}: ${planned.packageName} has no ${planned.className} export: update it`]);
  }
  const constructorOptions = { ...planned.options, ...options.exporterOptions?.[planned.kind] };
  const formatGiven = options.exporterOptions?.[planned.kind]?.format !== undefined;
  try {
    if (planned.parquet && !formatGiven) {
      const parquet = exportOf(modules.get(PARQUET_PACKAGE)!, 'parquet') as ParquetFactory;
      constructorOptions.format = parquet({
        compression: planned.parquet.compression,
        ...(options.parquetCompressors ? { compressors: options.parquetCompressors } : {}),
      });
    }
    const exporter = new (Class as ExporterClass)(constructorOptions);
    return new DataExporter({
      logger,
      ...options.dataExporter,
      ...planned.batching,
      exporter,
      name: planned.name,
    });
  } catch (err) {
    throw new ConfigError([`${where}: ${(err as Error)?.message ?? err}`], { cause: err });
  }
}
