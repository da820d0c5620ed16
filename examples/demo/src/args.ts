import { parseArgs } from 'node:util';

export const usage = `Usage: npm run demo -- [options]   (or: node examples/demo/dist/main.mjs [options])

Evaluates feature flags for simulated users through OpenFeature, exports every evaluation and
tracking event with the exporters of a GO Feature Flag relay-proxy config, then reads the files back.

Options:
  --evaluations <n>    flag evaluations to run (default 100000)
  --users <n>          simulated users (default 20000)
  --output-dir <dir>   where the files go; the config's relative outputDirs are inside it,
                       emptied first (default demo-output)
  --config <file>      the exporters config (default examples/demo/exporters.yaml)
  --help               print this help`;

export interface DemoArgs {
  help: boolean;
  evaluations: number;
  users: number;
  outputDir: string;
  config: string | undefined;
}

/** A command line the demo cannot run: the message is shown as is, without a stack trace. */
export class UsageError extends Error {}

function positiveInteger(option: string, text: string): number {
  const n = Number(text);
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(n) || n < 1) {
    throw new UsageError(`--${option} must be a positive whole number, got '${text}'`);
  }
  return n;
}

/** `--users -3`: node:util would take -3 for an option; join it, so the check names the bad number. */
function joinNegativeNumbers(argv: string[]): string[] {
  const args: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const next = argv[i + 1];
    if (/^--[a-z-]+$/.test(argv[i]!) && next !== undefined && /^-\d/.test(next)) {
      args.push(`${argv[i]}=${next}`);
      i++;
    } else args.push(argv[i]!);
  }
  return args;
}

export function readArgs(argv: string[]): DemoArgs {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: joinNegativeNumbers(argv),
      strict: true,
      allowPositionals: false,
      options: {
        evaluations: { type: 'string', default: '100000' },
        users: { type: 'string', default: '20000' },
        'output-dir': { type: 'string', default: 'demo-output' },
        config: { type: 'string' },
        help: { type: 'boolean', default: false },
      },
    }));
  } catch (err) {
    // node:util's messages are clear already: "Unknown option '--user'".
    throw new UsageError((err as Error).message);
  }
  return {
    help: values.help === true,
    evaluations: positiveInteger('evaluations', String(values.evaluations)),
    users: positiveInteger('users', String(values.users)),
    outputDir: String(values['output-dir']),
    config: values.config === undefined ? undefined : String(values.config),
  };
}
