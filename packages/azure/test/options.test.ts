import { ContainerClient } from '@azure/storage-blob';
import { describe, expect, it } from 'vitest';
import { AzureBlobExporter, type AzureBlobExporterOptions } from '../src/index.js';

const KEY = Buffer.from('a key that is not a secret').toString('base64');
const make = (options: Partial<AzureBlobExporterOptions>) => () =>
  new AzureBlobExporter(options as AzureBlobExporterOptions);

describe('AzureBlobExporter options, checked at construction', () => {
  it('container is required and must be a valid container name', () => {
    expect(make({ accountName: 'acct', accountKey: KEY })).toThrow(/option container is required/);
    expect(make({ container: '', accountName: 'acct' })).toThrow(/option container is required/);
    expect(make({ container: 'Flags_Data', accountName: 'acct' })).toThrow(
      /option container must be 3 to 63 lower-case letters.*got 'Flags_Data'/,
    );
    expect(make({ container: 'a--b', accountName: 'acct' })).toThrow(/option container must be/);
    expect(make({ container: '$root', accountName: 'acct' })).not.toThrow();
  });

  it('an account is required: accountName, serviceUrl, connectionString or client', () => {
    expect(make({ container: 'flags' })).toThrow(/option accountName is required/);
  });

  it('exactly one way of authenticating', () => {
    expect(
      make({ container: 'flags', connectionString: 'UseDevelopmentStorage=true', accountKey: KEY }),
    ).toThrow(/option connectionString and accountKey: give one way of authenticating, not 2/);
    const credential = { getToken: async () => null };
    expect(make({ container: 'flags', accountName: 'acct', accountKey: KEY, credential })).toThrow(
      /option accountKey and credential: give one way/,
    );
    const client = new ContainerClient('http://127.0.0.1:1/acct/flags');
    expect(make({ container: 'flags', client, connectionString: 'UseDevelopmentStorage=true' })).toThrow(
      /connectionString and client/,
    );
  });

  it('accountKey needs accountName', () => {
    expect(make({ container: 'flags', serviceUrl: 'http://127.0.0.1:1/acct', accountKey: KEY })).toThrow(
      /option accountKey needs accountName/,
    );
  });

  it('options that would be ignored are refused, not silently dropped', () => {
    const client = new ContainerClient('http://127.0.0.1:1/acct/flags');
    expect(make({ container: 'flags', client, accountName: 'acct' })).toThrow(
      /option accountName has no effect with client/,
    );
    expect(
      make({ container: 'flags', connectionString: 'UseDevelopmentStorage=true', serviceUrl: 'http://x/' }),
    ).toThrow(/option serviceUrl has no effect with connectionString/);
  });

  it("an injected client must be the container's", () => {
    const client = new ContainerClient('http://127.0.0.1:1/acct/other');
    expect(make({ container: 'flags', client })).toThrow(
      /option container 'flags' differs from the client's container 'other'/,
    );
    expect(make({ container: 'flags', client: {} as ContainerClient })).toThrow(
      /option client must be a ContainerClient/,
    );
  });

  it('a malformed connection string is refused without echoing it (it may hold a key)', () => {
    const secret = `AccountName=acct;AccountKey=${KEY}`;
    let error: Error | undefined;
    try {
      new AzureBlobExporter({ container: 'flags', connectionString: `${secret};BlobEndpoint=not a url` });
      new AzureBlobExporter({ container: 'flags', connectionString: 'nonsense' });
    } catch (err) {
      error = err as Error;
    }
    expect(error?.message).toMatch(/option connectionString is not an Azure Storage connection string/);
    expect(error?.message).not.toContain(KEY);
  });

  it('serviceUrl must be an http(s) URL; credential a TokenCredential; block sizes in range', () => {
    expect(make({ container: 'flags', serviceUrl: 'not a url' })).toThrow(/option serviceUrl must be a URL/);
    expect(make({ container: 'flags', serviceUrl: 'ftp://host/acct' })).toThrow(
      /option serviceUrl must be http\(s\)/,
    );
    expect(make({ container: 'flags', accountName: 'acct', credential: {} as never })).toThrow(
      /option credential must be a TokenCredential/,
    );
    expect(make({ container: 'flags', accountName: 'acct', accountKey: KEY, blockSize: 0 })).toThrow(
      /option blockSize/,
    );
    expect(make({ container: 'flags', accountName: 'acct', accountKey: KEY, maxConcurrency: 0.5 })).toThrow(
      /option maxConcurrency/,
    );
  });

  it("GO Feature Flag's keys alone (accountName, no key) construct without connecting: DefaultAzureCredential at the first export", () => {
    const exporter = new AzureBlobExporter({ container: 'flags', accountName: 'acct' });
    expect(exporter.container).toBe('flags');
    expect(exporter.isBulk()).toBe(true);
  });

  it("an empty accountKey means none, as in GO Feature Flag's config: the default credential", () => {
    expect(make({ container: 'flags', accountName: 'acct', accountKey: '' })).not.toThrow();
  });

  it('close() with nothing sent resolves at once', async () => {
    const exporter = new AzureBlobExporter({ container: 'flags', accountName: 'acct', accountKey: KEY });
    await expect(exporter.close()).resolves.toBeUndefined();
  });

  it("format and naming options pass through to core's BlobExporter", () => {
    expect(make({ container: 'flags', accountName: 'acct', accountKey: KEY, format: 'xml' })).toThrow(
      /format must be/,
    );
    const exporter = new AzureBlobExporter({
      container: 'flags',
      accountName: 'acct',
      accountKey: KEY,
      format: 'CSV',
      path: 'events/',
      filename: 'batch-{{ .Timestamp}}.{{ .Format}}',
    });
    expect(exporter.format.name).toBe('csv');
    expect(exporter.objectName({ batchId: 'b1', batchCreatedAt: 1_700_000_000_000 })).toMatch(
      /^events\/batch-1700000000.*\.csv$/,
    );
  });
});

describe('AzureBlobExporter refuses unknown options', () => {
  it('naming the option probably meant', () => {
    expect(make({ container: 'flags', accountName: 'acct', acountKey: KEY } as never)).toThrow(
      'AzureBlobExporter has no option acountKey (did you mean accountKey?)',
    );
    expect(make({ container: 'flags', accountname: 'acct' } as never)).toThrow(/did you mean accountName\?/);
  });
});
