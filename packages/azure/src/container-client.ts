import type { TokenCredential } from '@azure/core-auth';
import {
  AnonymousCredential,
  ContainerClient,
  type StoragePipelineOptions,
  StorageSharedKeyCredential,
} from '@azure/storage-blob';
import { ExportError } from '@ff/exporter-core';

/** How the exporter reaches its container: the options that pick and build the ContainerClient. */
export interface ConnectionOptions {
  /** The blob container written to; it must exist. Required. */
  container: string;
  /** The storage account (GO Feature Flag's `accountName`); the default serviceUrl is `https://<accountName>.blob.core.windows.net/`. */
  accountName?: string;
  /** The account's shared key (GO Feature Flag's `accountKey`). Without it, credential or DefaultAzureCredential is used. */
  accountKey?: string;
  /** The Blob service endpoint, e.g. Azurite's `http://127.0.0.1:10000/devstoreaccount1`, or a URL carrying a SAS token. */
  serviceUrl?: string;
  /** An Azure Storage connection string (holds account, key and endpoint). */
  connectionString?: string;
  /** A Microsoft Entra ID credential, e.g. `new DefaultAzureCredential()` or `new ManagedIdentityCredential()`. */
  credential?: TokenCredential;
  /** A ContainerClient of your own, used as is (its retry policy included). */
  client?: ContainerClient;
}

/** Core owns retries: the SDK makes one try, so one 503 costs exactly one core retry. */
const PIPELINE: StoragePipelineOptions = { retryOptions: { maxTries: 1 } };

const AUTH_OPTIONS = ['connectionString', 'accountKey', 'credential', 'client'] as const;

function invalid(message: string): never {
  throw new TypeError(`AzureBlobExporter option ${message}`);
}

/** Azure's container names: 3 to 63 lower-case letters, digits and single hyphens, or `$root` / `$web`. */
const CONTAINER_NAME = /^(?:\$root|\$web|[a-z0-9](?:[a-z0-9]|-(?!-)){1,61}[a-z0-9])$/;

function optionalString(options: ConnectionOptions, key: keyof ConnectionOptions): void {
  const value = options[key];
  if (value !== undefined && (typeof value !== 'string' || value === '')) {
    invalid(`${key} must be a non-empty string`);
  }
}

/**
 * Checks the connection options at construction and returns how to get the client at the first
 * export. Exactly one way of authenticating: `client`, `connectionString`, `accountKey` (with
 * `accountName`), `credential`, or none of them (a SAS token in `serviceUrl`, else
 * DefaultAzureCredential from @azure/identity).
 */
export function containerClientFactory(raw: ConnectionOptions): () => Promise<ContainerClient> {
  // GO Feature Flag reads an empty accountKey as "none: use the default credential"; so do we.
  const options = raw.accountKey === '' ? { ...raw, accountKey: undefined } : raw;
  const { container } = options;
  if (typeof container !== 'string' || container === '')
    invalid(`container is required: the blob container's name`);
  if (!CONTAINER_NAME.test(container)) {
    invalid(
      `container must be 3 to 63 lower-case letters, digits and single hyphens, starting and ending with a letter or digit, got '${container}'`,
    );
  }
  for (const key of ['accountName', 'accountKey', 'serviceUrl', 'connectionString'] as const)
    optionalString(options, key);
  const given = AUTH_OPTIONS.filter((key) => options[key] !== undefined);
  if (given.length > 1) {
    invalid(`${given.join(' and ')}: give one way of authenticating, not ${given.length}`);
  }

  if (options.client !== undefined) {
    const { client } = options;
    if (typeof client?.getBlockBlobClient !== 'function')
      invalid('client must be a ContainerClient from @azure/storage-blob');
    for (const key of ['accountName', 'serviceUrl'] as const) {
      if (options[key] !== undefined)
        invalid(`${key} has no effect with client, which is used as is: drop it`);
    }
    if (client.containerName !== container) {
      invalid(`container '${container}' differs from the client's container '${client.containerName}'`);
    }
    return async () => client;
  }

  if (options.connectionString !== undefined) {
    for (const key of ['accountName', 'serviceUrl'] as const) {
      if (options[key] !== undefined)
        invalid(`${key} has no effect with connectionString, which names the account: drop it`);
    }
    let client: ContainerClient;
    try {
      client = new ContainerClient(options.connectionString, container, PIPELINE);
    } catch (err) {
      // The SDK's message may quote the string, key included: say what is wrong, not what it holds.
      throw new TypeError(
        'AzureBlobExporter option connectionString is not an Azure Storage connection string (AccountName=…;AccountKey=…;BlobEndpoint=… or UseDevelopmentStorage=true)',
        { cause: err },
      );
    }
    return async () => client;
  }

  const { accountName, accountKey, credential } = options;
  if (accountName === undefined && options.serviceUrl === undefined) {
    invalid(
      'accountName is required (or serviceUrl, connectionString or client): which storage account to write to',
    );
  }
  const serviceUrl = parseServiceUrl(options.serviceUrl ?? `https://${accountName}.blob.core.windows.net/`);
  const url = containerUrl(serviceUrl, container);

  if (accountKey !== undefined) {
    if (accountName === undefined) invalid('accountKey needs accountName, the account the key belongs to');
    const client = new ContainerClient(
      url,
      new StorageSharedKeyCredential(accountName, accountKey),
      PIPELINE,
    );
    return async () => client;
  }
  // The SDK sends bearer tokens over TLS only; say so now rather than at every export.
  const tokens = credential !== undefined || !serviceUrl.searchParams.has('sig');
  if (tokens && serviceUrl.protocol !== 'https:') {
    invalid(
      `serviceUrl must be https to authenticate with ${credential ? 'credential' : 'DefaultAzureCredential (no accountKey given)'}, got '${serviceUrl.origin}': give accountKey, connectionString or a SAS URL for an http endpoint such as Azurite`,
    );
  }
  if (credential !== undefined) {
    if (typeof credential?.getToken !== 'function') {
      invalid('credential must be a TokenCredential, e.g. new DefaultAzureCredential() from @azure/identity');
    }
    const client = new ContainerClient(url, credential, PIPELINE);
    return async () => client;
  }
  // A SAS token in the URL is the credential; the SDK then signs nothing.
  if (serviceUrl.searchParams.has('sig')) {
    const client = new ContainerClient(url, new AnonymousCredential(), PIPELINE);
    return async () => client;
  }
  let client: Promise<ContainerClient> | undefined;
  return () => {
    client ??= defaultCredential().then((found) => new ContainerClient(url, found, PIPELINE));
    return client;
  };
}

function parseServiceUrl(text: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    invalid(`serviceUrl must be a URL such as https://<accountName>.blob.core.windows.net/, got '${text}'`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    invalid(`serviceUrl must be http(s), got '${url.protocol}'`);
  return url;
}

/** The service URL with the container appended to its path, its query (a SAS token) kept. */
function containerUrl(serviceUrl: URL, container: string): string {
  const url = new URL(serviceUrl.href);
  url.pathname = `${url.pathname.replace(/\/+$/, '')}/${encodeURIComponent(container)}`;
  return url.href;
}

/** DefaultAzureCredential, from @azure/identity, an optional peer dependency loaded only when used. */
async function defaultCredential(): Promise<TokenCredential> {
  let identity: { DefaultAzureCredential: new () => TokenCredential };
  try {
    identity = await import('@azure/identity');
  } catch (err) {
    const missing =
      (err as NodeJS.ErrnoException)?.code === 'ERR_MODULE_NOT_FOUND' ||
      (err as NodeJS.ErrnoException)?.code === 'MODULE_NOT_FOUND';
    if (!missing) throw err;
    throw new ExportError(
      'AzureBlobExporter: no accountKey, connectionString or credential given, and @azure/identity (for DefaultAzureCredential) is not installed: npm install @azure/identity, or pass one of those options',
      { retryable: false, cause: err },
    );
  }
  return new identity.DefaultAzureCredential();
}
