// The demo: an application evaluates feature flags for simulated users, records every evaluation,
// and exports them to ./demo-output/ as JSON Lines, CSV and Parquet; then it reads the files back
// (JSON Lines and CSV with core's readers, Parquet with DuckDB) and compares them with what it evaluated.
import { rm } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { createFeatureEvent, DataExporter, fanOut, type Logger } from '@ff/exporter-core';
import { FileExporter } from '@ff/exporter-file';
import { parquet } from '@ff/exporter-parquet';
import { evaluate, flags } from './flags.js';
import { count, readBack, sameTally, type Tally } from './read-back.js';

const { values: args } = parseArgs({
  options: {
    evaluations: { type: 'string', default: '300000' },
    users: { type: 'string', default: '20000' },
    'output-dir': { type: 'string', default: 'demo-output' },
  },
});
const evaluations = Number(args.evaluations);
const users = Number(args.users);
const outputDir = resolve(args['output-dir']);

const logger: Logger = {
  debug() {},
  info() {},
  warn: (fields, message) => console.warn(`  warning: ${message}`, fields),
  error: (fields, message) => console.error(`  error: ${message}`, fields),
};

const number = (n: number) => n.toLocaleString('en-US');

async function main(): Promise<void> {
  await rm(outputDir, { recursive: true, force: true });
  const formats = { json: 'json', csv: 'csv', parquet: parquet() };
  const exporters = Object.entries(formats).map(
    ([name, format]) =>
      new DataExporter({
        name,
        exporter: new FileExporter({ outputDir, format }),
        maxEventsInMemory: 50_000,
        flushIntervalMs: 1_000,
        logger,
      }),
  );
  const events = fanOut(...exporters);
  const flagKeys = [...Object.keys(flags), 'retired-flag'];
  const evaluated: Tally = new Map();

  console.log(`Evaluating ${number(evaluations)} flags for ${number(users)} simulated users -> ${outputDir}`);
  const started = performance.now();
  const step = Math.max(1, Math.floor(evaluations / 10));
  for (let n = 1; n <= evaluations; n++) {
    const user = n % users;
    const context = {
      targetingKey: `user-${user}`,
      anonymous: user % 10 === 0,
      plan: user % 3 ? 'free' : 'pro',
    };
    const flagKey = flagKeys[n % flagKeys.length]!;
    const event = createFeatureEvent(flagKey, context, evaluate(flagKey, context, n));
    count(evaluated, event.key, event.variation);
    events.add(event);
    // A real application serves requests between evaluations; the demo yields to I/O now and then,
    // so exports run meanwhile.
    if (n % 200 === 0) await new Promise((r) => setImmediate(r));
    if (n % step === 0) {
      const s = events.stats().json!;
      console.log(
        `  ${number(n).padStart(11)} evaluated   exported ${number(s.exported).padStart(9)}   pending ${number(s.pending).padStart(7)}   dropped ${number(s.dropped)}`,
      );
    }
  }
  await events.close();
  const seconds = (performance.now() - started) / 1000;

  console.log(
    `\nDone in ${seconds.toFixed(2)} s (${number(Math.round(evaluations / seconds))} evaluations/s, exported to each format)\n`,
  );
  console.log('format     received   exported  dropped  failed  files      bytes  read back');
  let ok = true;
  for (const [format, s] of Object.entries(events.stats())) {
    const back = await readBack(outputDir, format as keyof typeof formats);
    const matches = back.events === s.exported && sameTally(back.tally, evaluated);
    ok &&= matches && s.dropped === 0 && s.failed === 0;
    console.log(
      `${format.padEnd(8)} ${number(s.received).padStart(10)} ${number(s.exported).padStart(10)} ${number(s.dropped).padStart(8)} ${number(s.failed).padStart(7)} ${String(back.files).padStart(6)} ${number(back.bytes).padStart(11)}  ${matches ? 'every event, counts match' : 'MISMATCH'}`,
    );
  }

  const summary = await readBack(outputDir, 'parquet');
  console.log('\nEvaluations per flag and variation: DuckDB reading the Parquet files');
  for (const [flag, variations] of [...summary.tally].sort(([a], [b]) => a.localeCompare(b))) {
    const total = [...variations.values()].reduce((a, b) => a + b, 0);
    const parts = [...variations]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([v, n]) => `${v} ${number(n)} (${((100 * n) / total).toFixed(1)}%)`);
    console.log(`  ${flag.padEnd(16)} ${parts.join('   ')}`);
  }
  console.log(
    '\n(SdkDefault: the flag was missing or the evaluation failed, so the SDK served its default.)',
  );
  if (!ok) {
    console.error('\nThe files do not hold what was evaluated: see above.');
    process.exitCode = 1;
  }
}

await main();
