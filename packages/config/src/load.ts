import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

/** Loads an exporter package by name and resolves with its module namespace. Injectable for tests. */
export type PackageLoader = (packageName: string) => Promise<Record<string, unknown>>;

/** A package the config needs that is not installed. */
export class MissingPackageError extends Error {
  constructor(readonly packageName: string) {
    super(`${packageName} is not installed`);
    this.name = 'MissingPackageError';
  }
}

/**
 * The default loader: the package as this package resolves it (npm's and yarn's hoisted layouts,
 * where the application's packages sit beside this one), then as the application in `cwd`
 * resolves it (pnpm's strict layout, where this package sees only what it declares).
 */
export function importFromApplication(cwd: string): PackageLoader {
  return async (packageName) => {
    try {
      return (await import(packageName)) as Record<string, unknown>;
    } catch (err) {
      if (!isNotFound(err, packageName)) throw err;
    }
    let path: string;
    try {
      path = createRequire(join(cwd, 'noop.js')).resolve(packageName);
    } catch (err) {
      if (!isNotFound(err, packageName)) throw err;
      throw new MissingPackageError(packageName);
    }
    return (await import(pathToFileURL(path).href)) as Record<string, unknown>;
  };
}

/** Whether the error says `packageName` itself is missing, not one of its own dependencies. */
export function isNotFound(err: unknown, packageName: string): boolean {
  if (err instanceof MissingPackageError) return err.packageName === packageName;
  const { code, message } = (err ?? {}) as { code?: unknown; message?: unknown };
  const text = typeof message === 'string' ? message : '';
  const notFound =
    code === 'ERR_MODULE_NOT_FOUND' ||
    code === 'MODULE_NOT_FOUND' ||
    /cannot find (package|module)|failed to (load|resolve)/i.test(text);
  return (
    notFound &&
    (text.includes(`'${packageName}'`) ||
      text.includes(`"${packageName}"`) ||
      text.includes(` ${packageName} `) ||
      text.endsWith(packageName))
  );
}

/** A named export of a loaded package, or undefined. CommonJS namespaces carry them under `default` too. */
export function exportOf(module: Record<string, unknown>, name: string): unknown {
  return module[name] ?? (module.default as Record<string, unknown> | undefined)?.[name];
}
