export declare const MOTO_VERSION: string;
export declare const INSTALL_COMMAND: string;
export declare function venvDir(): string;
export declare function venvPython(dir?: string): string;
export declare function isReady(dir?: string): boolean;
/** `authChecks`: only the IAM user whose key is in env passes (S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY). */
export declare function start(options: { logFile: string; dataDir?: string; authChecks?: boolean }): Promise<{
  env: { S3_ENDPOINT: string; S3_ACCESS_KEY_ID?: string; S3_SECRET_ACCESS_KEY?: string };
  pids: number[];
}>;
