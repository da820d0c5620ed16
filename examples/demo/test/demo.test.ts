import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const main = join(import.meta.dirname, '..', 'dist', 'main.mjs');

describe('the demo', () => {
  it.skipIf(!existsSync(main))(
    'exports every evaluation as JSON Lines, CSV and Parquet and reads the same counts back',
    () => {
      const outputDir = join(mkdtempSync(join(tmpdir(), 'ff-demo-')), 'out');
      const output = execFileSync(
        process.execPath,
        [main, '--evaluations', '20000', '--output-dir', outputDir],
        {
          encoding: 'utf8',
        },
      );
      expect(output).toMatch(/^json\s+20,000\s+20,000\s+0\s+0\s+\d+\s+[\d,]+\s+every event, counts match$/m);
      expect(output).toMatch(/^csv\s+20,000\s+20,000\s+0\s+0\s+\d+\s+[\d,]+\s+every event, counts match$/m);
      expect(output).toMatch(
        /^parquet\s+20,000\s+20,000\s+0\s+0\s+\d+\s+[\d,]+\s+every event, counts match$/m,
      );
      expect(output).toMatch(
        /DuckDB reading the Parquet files\n(.*\n)*\s+retired-flag\s+SdkDefault 3,333 \(100\.0%\)/,
      );
      const files = readdirSync(outputDir);
      expect(files.some((f) => f.endsWith('.json'))).toBe(true);
      expect(files.some((f) => f.endsWith('.csv'))).toBe(true);
      expect(files.some((f) => f.endsWith('.parquet'))).toBe(true);
    },
  );
});
