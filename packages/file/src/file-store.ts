import { randomBytes } from 'node:crypto';
import { link, mkdir, open, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { type BlobStore, type BlobWriteOptions, ExportError } from '@ff/exporter-core';

/** Worth another attempt: the disk may get room, the descriptors may free up. Anything else needs a person. */
const TRANSIENT = new Set(['ENOSPC', 'EDQUOT', 'EMFILE', 'ENFILE', 'EBUSY', 'EAGAIN', 'EIO', 'EINTR']);

/**
 * A folder as a BlobStore. Each file is written to a hidden temporary name, synced, then `link()`ed to
 * its final name: a reader never sees a half-written file, and `link` fails with EEXIST instead of
 * overwriting, which makes the write create-only.
 */
export class FileStore implements BlobStore {
  constructor(readonly outputDir: string) {}

  async create(
    name: string,
    body: AsyncIterable<Uint8Array>,
    options: BlobWriteOptions,
  ): Promise<'created' | 'exists'> {
    const target = join(this.outputDir, name);
    const temp = join(dirname(target), `.${basename(target)}.${randomBytes(4).toString('hex')}.tmp`);
    try {
      await mkdir(dirname(target), { recursive: true });
      const file = await open(temp, 'wx');
      try {
        for await (const chunk of body) {
          options.signal.throwIfAborted();
          await file.write(chunk);
        }
        await file.datasync();
      } finally {
        await file.close();
      }
      options.signal.throwIfAborted();
      return await link(temp, target).then(
        () => 'created' as const,
        (err: NodeJS.ErrnoException) => {
          if (err.code === 'EEXIST') return 'exists' as const;
          throw err;
        },
      );
    } catch (err) {
      throw classify(err, this.outputDir);
    } finally {
      await rm(temp, { force: true }).catch(() => {});
    }
  }
}

function classify(err: unknown, outputDir: string): unknown {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === undefined) return err;
  const retryable = TRANSIENT.has(code);
  const hint = retryable ? 'will retry' : 'check that outputDir is a writable folder';
  return new ExportError(`cannot write to outputDir '${outputDir}' (${code}): ${hint}`, {
    retryable,
    cause: err,
  });
}
