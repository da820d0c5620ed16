import { randomBytes } from 'node:crypto';
import { link, mkdir, mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { BlobStore, BlobWriteOptions } from '@ff/exporter-core';

/** Folders whose writes hang (a sink that stopped answering), each with the promise that ends it. */
const stalls = new Map<string, Promise<void>>();

/** Makes every write to `dir` hang until the returned function is called, or until its signal aborts (as an SDK call would). */
export function stallFolder(dir: string): () => void {
  let release!: () => void;
  stalls.set(
    dir,
    new Promise<void>((resolve) => {
      release = resolve;
    }),
  );
  return () => {
    stalls.delete(dir);
    release();
  };
}

function hang(until: Promise<void>, signal: AbortSignal): Promise<void> {
  signal.throwIfAborted();
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    void until.then(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    });
  });
}

/** The smallest real blob sink: files in a folder, written to a temp name then link()ed, so create-only. */
export class FolderStore implements BlobStore {
  constructor(readonly dir: string) {}

  async create(
    name: string,
    body: AsyncIterable<Uint8Array>,
    options: BlobWriteOptions,
  ): Promise<'created' | 'exists'> {
    const stall = stalls.get(this.dir);
    if (stall) await hang(stall, options.signal);
    const target = join(this.dir, name);
    const temp = join(dirname(target), `.${randomBytes(6).toString('hex')}.tmp`);
    await mkdir(dirname(target), { recursive: true });
    const file = await open(temp, 'wx');
    try {
      for await (const chunk of body) {
        options.signal.throwIfAborted();
        await file.write(chunk);
      }
    } finally {
      await file.close();
    }
    try {
      await link(temp, target);
      return 'created';
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') return 'exists';
      throw err;
    } finally {
      await rm(temp, { force: true });
    }
  }
}

/** A fresh temp folder per sink id, removed by cleanup(). */
export async function tempRoot(
  prefix: string,
): Promise<{ folder(id: string): string; remove(id: string): Promise<void>; removeAll(): Promise<void> }> {
  const root = await mkdtemp(join(tmpdir(), prefix));
  return {
    folder: (id) => join(root, id),
    remove: (id) => rm(join(root, id), { recursive: true, force: true }),
    removeAll: () => rm(root, { recursive: true, force: true }),
  };
}
