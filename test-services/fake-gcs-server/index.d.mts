export declare const FAKE_GCS_SERVER_VERSION: string;
export declare function binaryPath(): string;
export declare function start(options: {
  logFile: string;
  dataDir?: string;
  /** Default: a free port. */
  port?: number;
  /** The URL written into resumable upload session URLs. Default: the server's own address. */
  externalUrl?: string;
}): Promise<{ env: { GCS_ENDPOINT: string }; pids: number[] }>;
