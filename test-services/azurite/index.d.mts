export declare const AZURITE_VERSION: string;
export declare const ACCOUNT_NAME: string;
export declare const ACCOUNT_KEY: string;
export declare function azuriteDir(): string;
export declare function blobServer(dir?: string): string;
/** The env of a running Azurite: `AZURE_BLOB_ENDPOINT` (`http://127.0.0.1:<port>/devstoreaccount1`), the account and `AZURE_CONNECTION_STRING`. */
export interface AzuriteEnv {
  AZURE_BLOB_ENDPOINT: string;
  AZURE_ACCOUNT_NAME: string;
  AZURE_ACCOUNT_KEY: string;
  AZURE_CONNECTION_STRING: string;
}
export declare function start(options: {
  logFile: string;
  dataDir: string;
}): Promise<{ env: AzuriteEnv; pids: number[] }>;
