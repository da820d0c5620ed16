#!/usr/bin/env node
// Flag evaluation time with @ff/openfeature-hook recording every evaluation vs without it: the real
// OpenFeature server SDK and its InMemoryProvider, evaluations awaited one after the other as an
// application's request handlers do.
//
//   node bench/openfeature/run.mjs [--runs 5] [--evaluations 100000]
//
// Contenders, each in its own child process per run (clean heap; the order rotates from run to run):
//   without            the provider as it is (the anchor)
//   hook               withDataCollection(provider, { evaluations }): a DataExporter (defaults) with a
//                      no-op bulk exporter, so the events are held and batched as in production
//   hookSmallBatches   the same with maxEventsInMemory 10,000: fewer events held at once
//   hookDiscard        withDataCollection into a sink whose add() discards: the hook alone
//   clientHookDiscard  DataExporterHook added to the client instead (no provider wrapper): what the
//                      wrapper (a Proxy) costs, by difference
//   emptyHook          the provider with one empty hook `{}` declared: what the SDK itself charges for
//                      any provider hook (its hook contexts and awaited stages)
// Per child: one untimed sample to warm up, then 3 samples of N evaluations; the child's figure is
// their median, in CPU time per evaluation (the machine is shared: CPU time does not count waiting
// for a core; wall-clock time is printed beside it). Ratios are taken within a run, then their median
// is reported. Needs packages/openfeature and packages/core built (their dist/).
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { runChild } from '../lib/child.mjs';
import {
  clock,
  fmt,
  median,
  numberArg,
  printRows,
  printTable,
  row,
  saveResults,
  since,
  spread,
  stringArg,
} from '../lib/report.mjs';

const RUNS = numberArg('runs', 5);
const EVALUATIONS = numberArg('evaluations', 100_000);
const WARMUP = 1;
const SAMPLES = 3;
const GOAL = 1.2;

const CONTENDERS = {
  without: 'InMemoryProvider, no hook',
  hook: 'withDataCollection(InMemoryProvider), DataExporter, no-op exporter',
  hookSmallBatches: 'the same, DataExporter maxEventsInMemory 10,000',
  hookDiscard: 'withDataCollection(InMemoryProvider), a sink whose add() discards',
  clientHookDiscard: 'DataExporterHook on the client (no provider wrapper), a sink whose add() discards',
  emptyHook: 'InMemoryProvider with one empty provider hook',
};

// The hook package's own dependencies (the SDK, core) are resolved from its folder: the bench uses
// the very copies the package is built and tested against.
const hookPackage = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'packages', 'openfeature');

async function child(name) {
  const requireFromHook = createRequire(join(hookPackage, 'package.json'));
  const { InMemoryProvider, OpenFeature } = requireFromHook('@openfeature/server-sdk');
  const { DataExporter, silentLogger } = requireFromHook('@ff/exporter-core');
  const { DataExporterHook, withDataCollection } = await import(
    pathToFileURL(join(hookPackage, 'dist', 'index.mjs')).href
  );

  const flags = {
    'new-checkout': {
      variants: { on: true, off: false },
      defaultVariant: 'off',
      disabled: false,
      contextEvaluator: (context) => (context.plan === 'beta' ? 'on' : 'off'),
    },
  };
  let provider = new InMemoryProvider(flags);
  let evaluations;
  if (name === 'hook' || name === 'hookSmallBatches') {
    evaluations = new DataExporter({
      exporter: { isBulk: () => true, export: async () => {} },
      logger: silentLogger,
      exportAtExit: false,
      ...(name === 'hookSmallBatches' && { maxEventsInMemory: 10_000 }),
    });
    provider = withDataCollection(provider, { evaluations });
  } else if (name === 'hookDiscard') {
    let recorded = 0;
    provider = withDataCollection(provider, { evaluations: { add: () => void recorded++ } });
    evaluations = { flush: async () => {}, close: async () => {}, stats: () => ({ exported: recorded }) };
  } else if (name === 'emptyHook') {
    Object.defineProperty(provider, 'hooks', { value: [{}] });
  }
  await OpenFeature.setProviderAndWait(provider);
  const client = OpenFeature.getClient();
  if (name === 'clientHookDiscard') {
    let recorded = 0;
    client.addHooks(new DataExporterHook({ add: () => void recorded++ }));
    evaluations = { flush: async () => {}, close: async () => {}, stats: () => ({ exported: recorded }) };
  }
  // Distinct users, as a server sees them; every 10th is anonymous, every 4th a beta user.
  const contexts = Array.from({ length: 1_000 }, (_, i) => ({
    targetingKey: `user-${i}`,
    anonymous: i % 10 === 0,
    plan: i % 4 === 0 ? 'beta' : 'free',
  }));
  let on = 0;
  const cpu = [];
  const wall = [];
  for (let s = 0; s < WARMUP + SAMPLES; s++) {
    const started = clock();
    for (let i = 0; i < EVALUATIONS; i++) {
      if (await client.getBooleanValue('new-checkout', false, contexts[i % contexts.length])) on++;
    }
    const t = since(started);
    if (s < WARMUP) continue;
    cpu.push((t.cpu * 1e6) / EVALUATIONS);
    wall.push((t.wall * 1e6) / EVALUATIONS);
  }
  if (on === 0) throw new Error('no evaluation returned true: the flag is not evaluated');
  if (evaluations) {
    await evaluations.flush();
    const { exported } = evaluations.stats();
    if (exported !== (WARMUP + SAMPLES) * EVALUATIONS) throw new Error(`${exported} evaluations recorded`);
    await evaluations.close();
  }
  await OpenFeature.close();
  console.log(JSON.stringify({ cpu: median(cpu), wall: median(wall) }));
}

function parent() {
  console.log(
    `OpenFeature evaluations: ${EVALUATIONS.toLocaleString('en-US')} awaited getBooleanValue() per sample, ${SAMPLES} samples after ${WARMUP} warm-up per child; ${RUNS} runs, one child process per contender per run`,
  );
  const names = Object.keys(CONTENDERS);
  const samples = Object.fromEntries(names.map((n) => [n, { cpu: [], wall: [] }]));
  const script = fileURLToPath(import.meta.url);
  for (let run = 0; run < RUNS; run++) {
    for (let k = 0; k < names.length; k++) {
      const name = names[(k + run) % names.length];
      const result = runChild(script, ['--child', name, '--evaluations', String(EVALUATIONS)], {
        nodeFlags: [],
      });
      samples[name].cpu.push(result.cpu);
      samples[name].wall.push(result.wall);
    }
    process.stdout.write(`  run ${run + 1}/${RUNS} done\n`);
  }
  const ratio = (name, time) => median(samples[name][time].map((v, i) => v / samples.without[time][i]));
  for (const time of ['cpu', 'wall']) {
    console.log(
      `\n${time === 'cpu' ? 'CPU' : 'wall-clock'} time per evaluation (ns: median of ${RUNS} runs, min–max, median of per-run ratios to no hook)`,
    );
    printTable(
      ['contender', 'ns/evaluation', 'spread', '× no hook'],
      names.map((n) => [
        CONTENDERS[n],
        fmt(median(samples[n][time])),
        spread(samples[n][time]),
        fmt(ratio(n, time)),
      ]),
    );
  }
  const hookRatio = ratio('hook', 'cpu');
  const rows = [
    row({
      scenario: 'OpenFeature evaluation with the hook vs without',
      unit: 'ns/evaluation',
      ours: { label: CONTENDERS.hook, value: median(samples.hook.cpu) },
      anchor: { label: CONTENDERS.without, value: median(samples.without.cpu) },
      ratio: hookRatio,
      goal: `≤ ${GOAL}× no hook`,
      met: hookRatio <= GOAL,
    }),
    row({
      scenario: 'OpenFeature evaluation with the hook vs an empty provider hook',
      unit: 'ns/evaluation',
      ours: { label: CONTENDERS.hook, value: median(samples.hook.cpu) },
      anchor: { label: CONTENDERS.emptyHook, value: median(samples.emptyHook.cpu) },
      ratio: median(samples.hook.cpu.map((v, i) => v / samples.emptyHook.cpu[i])),
    }),
  ];
  console.log('');
  printRows(rows);
  saveResults('openfeature', rows, { samples });
}

const childName = stringArg('child');
if (childName) await child(childName);
else parent();
