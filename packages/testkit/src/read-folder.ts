import { readdir, readFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import type { StoredObject } from './options.js';

/**
 * Every file under `dir`, named by its `/`-separated path relative to `dir`, for a file sink's
 * `readBack()`. Hidden files (a writer's temporary files) are left out; a missing folder is empty.
 */
export async function readFolder(dir: string): Promise<StoredObject[]> {
  let entries: string[];
  try {
    entries = await readdir(dir, { recursive: true });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  const objects: StoredObject[] = [];
  for (const entry of entries.sort()) {
    if (entry.split(/[/\\]/).some((part) => part.startsWith('.'))) continue;
    const path = join(dir, entry);
    const bytes = await readFile(path).catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'EISDIR') return undefined;
      throw err;
    });
    if (bytes) objects.push({ name: relative(dir, path).split(sep).join('/'), bytes });
  }
  return objects;
}
