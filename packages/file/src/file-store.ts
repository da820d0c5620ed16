import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { copyFile, link, mkdir, open, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { type BlobStore, type BlobWriteOptions, ExportError } from '@ff/exporter-core';

/** Worth another attempt: the disk may get room, the descriptors may free up. Anything else needs a person. */
const TRANSIENT = new Set(['ENOSPC', 'EDQUOT', 'EMFILE', 'ENFILE', 'EBUSY', 'EAGAIN', 'EIO', 'EINTR']);

/**
 * What `link()` fails with where the file system has no hard links (FAT/exFAT, some FUSE and network
 * mounts): the error says "not supported here", not "this folder cannot be written".
 */
const NO_HARD_LINKS = new Set(['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS', 'EXDEV', 'EMLINK']);

/** Options of a FileStore. */
export interface FileStoreOptions {
  /** The hard-link call, `fs.promises.link` by default: tests inject a file system that refuses links. */
  link?: (existingPath: string, newPath: string) => Promise<void>;
}

/**
 * A folder as a BlobStore. Each file is written to a hidden temporary name, synced, then `link()`ed to
 * its final name: a reader never sees a half-written file, and `link` fails with EEXIST instead of
 * overwriting, which makes the write create-only. Where the file system refuses hard links, the
 * temporary file is copied instead with `COPYFILE_EXCL` (still create-only), and the store
 * remembers it: see `hardLinks`.
 */
export class FileStore implements BlobStore {
  readonly #link: (existingPath: string, newPath: string) => Promise<void>;
  #hardLinks = true;

  constructor(
    readonly outputDir: string,
    options: FileStoreOptions = {},
  ) {
    this.#link = options.link ?? link;
  }

  /** False once the file system refused a hard link: files are then copied create-only. */
  get hardLinks(): boolean {
    return this.#hardLinks;
  }

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
      return await this.#publish(temp, target);
    } catch (err) {
      throw classify(err, this.outputDir);
    } finally {
      await rm(temp, { force: true }).catch(() => {});
    }
  }

  /** Gives the synced temporary file its final name, create-only: 'exists' when the name is taken. */
  async #publish(temp: string, target: string): Promise<'created' | 'exists'> {
    if (this.#hardLinks) {
      try {
        await this.#link(temp, target);
        return 'created';
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code === 'EEXIST') return 'exists';
        if (!NO_HARD_LINKS.has(code ?? '')) throw err;
        this.#hardLinks = false;
      }
    }
    return copyExclusive(temp, target);
  }
}

/**
 * The fallback without hard links: a copy that fails with EEXIST rather than overwrite, then synced.
 * A reader may see the file while it is copied; a copy that fails is removed (the name is ours:
 * COPYFILE_EXCL created it), so a retry never mistakes a half copy for a delivered batch.
 */
async function copyExclusive(temp: string, target: string): Promise<'created' | 'exists'> {
  try {
    await copyFile(temp, target, constants.COPYFILE_EXCL);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return 'exists';
    await rm(target, { force: true }).catch(() => {});
    throw err;
  }
  try {
    const file = await open(target, 'r+');
    try {
      await file.datasync();
    } finally {
      await file.close();
    }
  } catch (err) {
    await rm(target, { force: true }).catch(() => {});
    throw err;
  }
  return 'created';
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
