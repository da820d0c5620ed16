// Tests import workspace packages from their sources, so a stale dist/ can never hide a change.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const packages = join(dirname(fileURLToPath(import.meta.url)), 'packages');

export const workspaceSources: Record<string, string> = Object.fromEntries(
  readdirSync(packages)
    .map((dir) => join(packages, dir))
    .filter((dir) => existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'src', 'index.ts')))
    .map((dir) => [
      JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).name,
      join(dir, 'src', 'index.ts'),
    ]),
);
