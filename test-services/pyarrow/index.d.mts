export declare const PYARROW_VERSION: string;
export declare const INSTALL_COMMAND: string;
export declare function venvDir(): string;
export declare function venvPython(dir?: string): string;
export declare function isReady(): boolean;
export declare function pyarrowPython(): string;
export declare function runPython(
  script: string,
  args?: readonly string[],
  options?: { env?: NodeJS.ProcessEnv; cwd?: string },
): Promise<string>;
