// The contributor path: a package scaffolded by `npm run new-exporter` builds, type-checks and passes
// the conformance suite as generated. It is scaffolded into a temporary workspace whose node_modules
// link to this repository's built core and testkit, so nothing of the repository is touched.
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../..', import.meta.url));
const built = ['core', 'testkit'].every((p) => existsSync(join(root, 'packages', p, 'dist', 'index.mjs')));
const needsDist = built ? '' : ' [SKIPPED: build core and testkit first (npm test does)]';
const workspace = mkdtempSync(join(tmpdir(), 'ff-scaffold-'));
afterAll(() => rmSync(workspace, { recursive: true, force: true }));

describe('npm run new-exporter', () => {
  it('refuses a bad name and an existing package', async () => {
    const script = join(root, 'scripts', 'new-exporter.mjs');
    await expect(run(process.execPath, [script, 'Bad_Name', '--dir', workspace])).rejects.toMatchObject({
      code: 2,
    });
    await expect(run(process.execPath, [script, 'core'])).rejects.toThrow(/already exists/);
  });

  it.skipIf(!built)(
    `scaffolds a package that builds and passes the conformance suite as generated${needsDist}`,
    async () => {
      mkdirSync(join(workspace, 'packages'));
      mkdirSync(join(workspace, '.changeset'));
      for (const file of ['tsconfig.base.json', 'tsdown.shared.ts'])
        cpSync(join(root, file), join(workspace, file));
      const modules = join(workspace, 'node_modules');
      mkdirSync(join(modules, '@ff'), { recursive: true });
      mkdirSync(join(modules, '@types'), { recursive: true });
      for (const p of ['core', 'testkit']) {
        symlinkSync(join(root, 'packages', p), join(modules, '@ff', `exporter-${p}`));
      }
      for (const dep of ['vitest', 'typescript', 'tsdown', '@types/node']) {
        symlinkSync(join(root, 'node_modules', dep), join(modules, dep));
      }
      await run(process.execPath, [
        join(root, 'scripts', 'new-exporter.mjs'),
        'acme-store',
        '--dir',
        join(workspace, 'packages'),
      ]);
      const pkg = join(workspace, 'packages', 'acme-store');
      for (const file of [
        'package.json',
        'README.md',
        'LICENSE',
        'src/index.ts',
        'test/conformance.test.ts',
      ]) {
        expect(existsSync(join(pkg, file)), file).toBe(true);
      }
      expect(existsSync(join(workspace, '.changeset', 'acme-store.md'))).toBe(true);

      const bin = (name: string) => join(root, 'node_modules', '.bin', name);
      await run(bin('tsc'), ['-p', 'tsconfig.json'], { cwd: pkg });
      await run(bin('tsdown'), [], { cwd: pkg });
      expect(existsSync(join(pkg, 'dist', 'index.mjs'))).toBe(true);
      expect(existsSync(join(pkg, 'dist', 'index.d.cts'))).toBe(true);
      const { stdout } = await run(bin('vitest'), ['run', '--reporter=json'], {
        cwd: pkg,
        maxBuffer: 64 << 20,
      });
      const report = JSON.parse(stdout.slice(stdout.indexOf('{')));
      expect(report.numFailedTests).toBe(0);
      expect(report.numPassedTests).toBeGreaterThan(10);
    },
    240_000,
  );
});
