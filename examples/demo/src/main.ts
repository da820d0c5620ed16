// The demo: an OpenFeature application evaluates feature flags for simulated users and tracks some
// checkouts; a provider wrapped by withDataCollection records every evaluation and track() call, and
// the exporters of a GO Feature Flag relay-proxy config (exporters.yaml) write them to --output-dir
// as JSON Lines, CSV and Parquet. Then it reads the files back (JSON Lines and CSV with the testkit's
// parsers, Parquet with DuckDB) and compares them with what the application got.
import { rm } from 'node:fs/promises';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError, createExporter, planExporters } from '@ff/exporter-config';
import type { Logger } from '@ff/exporter-core';
import { withDataCollection } from '@ff/openfeature-hook';
import { type EvaluationDetails, type FlagValue, OpenFeature } from '@openfeature/server-sdk';
import { readArgs, UsageError, usage } from './args.js';
import { type FlagType, flagKeys, flagProvider, flagType } from './flags.js';
import {
  count,
  type Format,
  firstRecord,
  readBack,
  readTracking,
  sameTally,
  type Tally,
} from './read-back.js';

const logger: Logger = {
  debug() {},
  info() {},
  warn: (fields, message) => console.warn(`  warning: ${message}`, fields),
  error: (fields, message) => console.error(`  error: ${message}`, fields),
};

const number = (n: number) => n.toLocaleString('en-US');

/** One in this many evaluations asks for a flag with the wrong type: the SDK serves the app's default. */
const WRONG_TYPE_EVERY = 97;
const wrongType: Record<FlagType, FlagType> = {
  boolean: 'string',
  string: 'number',
  number: 'boolean',
  object: 'boolean',
};

async function run(): Promise<boolean> {
  const args = readArgs(process.argv.slice(2));
  if (args.help) {
    console.log(usage);
    return true;
  }
  const outputDir = resolve(args.outputDir);
  const config = args.config
    ? resolve(args.config)
    : fileURLToPath(new URL('../exporters.yaml', import.meta.url));

  // The config's relative outputDirs are resolved against the output dir (cwd), which is emptied first.
  // The exporter packages are the demo's own dependencies, so the demo loads them.
  const plan = planExporters(config, { cwd: outputDir });
  const other = plan.exporters.find((planned) => planned.kind !== 'file');
  if (other) {
    throw new UsageError(
      `the demo reads its files back, so every exporter must be kind: file (${other.at} is kind: ${other.kind})`,
    );
  }
  await rm(outputDir, { recursive: true, force: true });
  const events = await createExporter(config, {
    cwd: outputDir,
    logger,
    load: (name) => import(name),
  });
  const members = 'members' in events ? events.members : [events];

  // One sink for both: each exporter keeps only the events of its eventType, as in the relay proxy.
  await OpenFeature.setProviderAndWait(
    withDataCollection(flagProvider(), { evaluations: events, tracking: events }),
  );
  const client = OpenFeature.getClient('demo');

  const evaluated: Tally = new Map();
  let tracked = 0;
  const keys = [...flagKeys, 'retired-flag'];
  const progress = members[plan.exporters.findIndex((p) => p.batching.eventType !== 'tracking')];
  console.log(
    `Evaluating ${number(args.evaluations)} flags for ${number(args.users)} simulated users through OpenFeature`,
  );
  console.log(`  exporters: ${config}\n  output:    ${outputDir}`);
  const started = performance.now();
  const step = Math.max(1, Math.floor(args.evaluations / 10));
  for (let n = 1; n <= args.evaluations; n++) {
    const user = n % args.users;
    const context = {
      targetingKey: `user-${user}`,
      anonymous: user % 10 === 0,
      plan: user % 3 ? 'free' : 'pro',
    };
    const flagKey = keys[n % keys.length]!;
    const type = n % WRONG_TYPE_EVERY === 0 ? wrongType[flagType(flagKey)] : flagType(flagKey);
    let details: EvaluationDetails<FlagValue>;
    if (type === 'boolean') details = await client.getBooleanDetails(flagKey, false, context);
    else if (type === 'string') details = await client.getStringDetails(flagKey, '', context);
    else if (type === 'number') details = await client.getNumberDetails(flagKey, 0, context);
    else details = await client.getObjectDetails(flagKey, {}, context);
    count(evaluated, flagKey, details.errorCode ? 'SdkDefault' : (details.variant ?? 'SdkDefault'));
    if (flagKey === 'new-checkout' && details.value === true && user % 4 === 0) {
      client.track('checkout', context, { amount: 10 + (user % 90) });
      tracked++;
    }
    // A real application serves requests between evaluations; the demo yields to I/O now and then,
    // so exports run meanwhile.
    if (n % 200 === 0) await new Promise((r) => setImmediate(r));
    if (n % step === 0 && progress) {
      const s = progress.stats();
      console.log(
        `  ${number(n).padStart(11)} evaluated   exported ${number(s.exported).padStart(9)}   pending ${number(s.pending).padStart(7)}   dropped ${number(s.dropped)}`,
      );
    }
  }
  await OpenFeature.close();
  await events.close();
  const seconds = (performance.now() - started) / 1000;
  console.log(
    `\nDone in ${seconds.toFixed(2)} s (${number(Math.round(args.evaluations / seconds))} evaluations/s, ${number(tracked)} checkouts tracked)\n`,
  );

  console.log('format     received   exported  dropped  failed  files      bytes  read back');
  let ok = true;
  let parquetDir: string | undefined;
  let jsonDir: string | undefined;
  let trackingDir: string | undefined;
  for (const [i, planned] of plan.exporters.entries()) {
    const s = members[i]!.stats();
    const dir = String(planned.options.outputDir);
    const format = String(planned.options.format ?? 'json').toLowerCase() as Format;
    let label: string = format;
    let files: number;
    let bytes: number;
    let matches: boolean;
    if (planned.batching.eventType === 'tracking') {
      label = 'tracking';
      trackingDir ??= dir;
      const back = await readTracking(dir);
      ({ files, bytes } = back);
      matches = back.total === tracked && back.events.get('checkout') === tracked && s.exported === tracked;
    } else {
      if (format === 'parquet') parquetDir ??= dir;
      if (format === 'json') jsonDir ??= dir;
      const back = await readBack(dir, format);
      ({ files, bytes } = back);
      matches = back.events === s.exported && sameTally(back.tally, evaluated);
    }
    ok &&= matches && s.dropped === 0 && s.failed === 0;
    console.log(
      `${label.padEnd(8)} ${number(s.received).padStart(10)} ${number(s.exported).padStart(10)} ${number(s.dropped).padStart(8)} ${number(s.failed).padStart(7)} ${String(files).padStart(6)} ${number(bytes).padStart(11)}  ${matches ? 'every event, counts match' : 'MISMATCH'}`,
    );
  }

  if (parquetDir) {
    const summary = await readBack(parquetDir, 'parquet');
    console.log('\nEvaluations per flag and variation: DuckDB reading the Parquet files');
    for (const [flag, variations] of [...summary.tally].sort(([a], [b]) => a.localeCompare(b))) {
      const total = [...variations.values()].reduce((a, b) => a + b, 0);
      const parts = [...variations]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([v, n]) => `${v} ${number(n)} (${((100 * n) / total).toFixed(1)}%)`);
      console.log(`  ${flag.padEnd(16)} ${parts.join('   ')}`);
    }
    console.log(
      '\n(SdkDefault: the flag was missing or asked with the wrong type, so the SDK served the default.)',
    );
  }
  if (jsonDir) {
    console.log(`\nOne exported evaluation (the first line of ${jsonDir}):`);
    console.log(JSON.stringify(await firstRecord(jsonDir), null, 2));
  }
  if (trackingDir) {
    const back = await readTracking(trackingDir);
    console.log(
      `\nTracking events read back from ${trackingDir}: ${number(back.total)} (${number(tracked)} tracked)`,
    );
    console.log(JSON.stringify(await firstRecord(trackingDir), null, 2));
  }
  if (!ok) console.error('\nThe files do not hold what was evaluated and tracked: see above.');
  return ok;
}

try {
  if (!(await run())) process.exitCode = 1;
} catch (err) {
  // A bad command line or config is the user's to fix: one clear message, no stack trace.
  if (err instanceof UsageError || err instanceof ConfigError) {
    console.error(`demo: ${err.message}${err instanceof UsageError ? ' (see --help)' : ''}`);
    process.exitCode = 2;
  } else throw err;
}
