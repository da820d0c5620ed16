export declare const GOFF_VERSION: string;
export declare const INSTALL_COMMAND: string;
export declare const FLAGS_FILE: string;
export declare const FLUSH_INTERVAL_MS: number;
export declare function binaryPath(dir?: string): string;
export declare function isReady(): boolean;
export declare function start(options: { logFile: string; dataDir: string }): Promise<{
  env: { GOFF_RELAY_URL: string; GOFF_EXPORT_DIR: string };
  pids: number[];
}>;
