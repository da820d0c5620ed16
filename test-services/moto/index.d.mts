export declare const MOTO_VERSION: string;
export declare const INSTALL_COMMAND: string;
export declare function venvDir(): string;
export declare function venvPython(dir?: string): string;
export declare function isReady(dir?: string): boolean;
export declare function start(options: {
  logFile: string;
  dataDir?: string;
  /** Check access keys from the first request on (INITIAL_NO_AUTH_ACTION_COUNT=0). */
  authChecks?: boolean;
}): Promise<{ env: { S3_ENDPOINT: string }; pids: number[] }>;
