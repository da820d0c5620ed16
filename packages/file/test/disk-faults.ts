// Real disk faults for tests that run as root, where permission bits stop nothing: a tiny tmpfs
// (a full disk) and the immutable attribute (a folder nobody, root included, can write to).
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

function tryRun(command: string, args: string[]): boolean {
  try {
    execFileSync(command, args, { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

function probe(setUp: (dir: string) => boolean, tearDown: (dir: string) => void): boolean {
  const dir = mkdtempSync(join(tmpdir(), 'ff-probe-'));
  const ok = setUp(dir);
  if (ok) tearDown(dir);
  rmSync(dir, { recursive: true, force: true });
  return ok;
}

export const canMountTmpfs = probe(
  (dir) => tryRun('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', dir]),
  (dir) => tryRun('umount', [dir]),
);

export const canMakeImmutable = probe(
  (dir) => tryRun('chattr', ['+i', dir]),
  (dir) => tryRun('chattr', ['-i', dir]),
);

/** A folder on its own tmpfs of `sizeKb`, and a file filling all of it but `freeKb`. */
export function smallDisk(sizeKb: number) {
  const dir = mkdtempSync(join(tmpdir(), 'ff-disk-'));
  execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${sizeKb}k`, 'tmpfs', dir]);
  const filler = join(dir, 'filler.bin');
  return {
    dir,
    outputDir: join(dir, 'out'),
    fill() {
      mkdirSync(join(dir, 'out'), { recursive: true });
      try {
        writeFileSync(filler, Buffer.alloc(sizeKb * 1024));
      } catch {
        // ENOSPC once it is full: that is the point.
      }
    },
    free() {
      rmSync(filler, { force: true });
    },
    dispose() {
      tryRun('umount', ['-l', dir]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A folder that refuses new entries, even to root. */
export function immutableDir() {
  const dir = mkdtempSync(join(tmpdir(), 'ff-ro-'));
  execFileSync('chattr', ['+i', dir]);
  return {
    dir,
    dispose() {
      tryRun('chattr', ['-i', dir]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
