import {
  AccountSASPermissions,
  AccountSASResourceTypes,
  AccountSASServices,
  ContainerClient,
  generateAccountSASQueryParameters,
  StorageSharedKeyCredential,
} from '@azure/storage-blob';
import { exportContext, sampleEvents } from '@ff/exporter-testkit';
import { describe, expect, it } from 'vitest';
import { AzureBlobExporter } from '../src/index.js';
import { azuritePort, freshContainers } from './azurite.js';
import { landedJson, pipeline, startBusyProxy } from './helpers.js';

const azurite = freshContainers('credentials');

async function exportTen(exporter: AzureBlobExporter) {
  const events = sampleEvents(10);
  await exporter.export(events, exportContext());
  const landed = await landedJson(azurite.container);
  expect(landed.names).toHaveLength(1);
  expect(landed.records.map((r) => r.userKey)).toEqual(events.map((e) => e.userKey));
}

describe('AzureBlobExporter authenticates against Azurite', () => {
  it("with GO Feature Flag's accountName, accountKey and serviceUrl", async () => {
    await exportTen(
      new AzureBlobExporter({
        container: azurite.container.containerName,
        accountName: azurite.env.AZURE_ACCOUNT_NAME,
        accountKey: azurite.env.AZURE_ACCOUNT_KEY,
        serviceUrl: azurite.env.AZURE_BLOB_ENDPOINT,
      }),
    );
  });

  it('with a connection string', async () => {
    await exportTen(
      new AzureBlobExporter({
        container: azurite.container.containerName,
        connectionString: azurite.env.AZURE_CONNECTION_STRING,
      }),
    );
  });

  it('with a SAS token in serviceUrl and no key', async () => {
    const sas = generateAccountSASQueryParameters(
      {
        expiresOn: new Date(Date.now() + 3_600_000),
        permissions: AccountSASPermissions.parse('rwcl'),
        resourceTypes: AccountSASResourceTypes.parse('co').toString(),
        services: AccountSASServices.parse('b').toString(),
      },
      new StorageSharedKeyCredential(azurite.env.AZURE_ACCOUNT_NAME, azurite.env.AZURE_ACCOUNT_KEY),
    ).toString();
    const exporter = new AzureBlobExporter({
      container: azurite.container.containerName,
      serviceUrl: `${azurite.env.AZURE_BLOB_ENDPOINT}?${sas}`,
    });
    await exportTen(exporter);
  });

  it('through an injected ContainerClient, used as is: its own retry policy, not ours', async () => {
    await using busy = await startBusyProxy(azuritePort(azurite.env));
    const client = new ContainerClient(
      `${busy.origin}/${azurite.env.AZURE_ACCOUNT_NAME}/${azurite.container.containerName}`,
      new StorageSharedKeyCredential(azurite.env.AZURE_ACCOUNT_NAME, azurite.env.AZURE_ACCOUNT_KEY),
      { retryOptions: { maxTries: 2, retryDelayInMs: 10 } },
    );
    const sink = pipeline(new AzureBlobExporter({ container: azurite.container.containerName, client }));
    for (const event of sampleEvents(10)) sink.add(event);
    await sink.flush();
    await sink.close();
    // The 503 was retried inside the SDK, as the client was configured: core saw one success.
    expect(busy.requests).toHaveLength(2);
    expect(sink.stats()).toMatchObject({ exported: 10, retries: 0 });
  });

  it('a credential that cannot produce a token fails the batch at once, with what to do', async () => {
    const credential = {
      getToken: async () => {
        throw Object.assign(new Error('EnvironmentCredential is unavailable.'), {
          name: 'CredentialUnavailableError',
        });
      },
    };
    const exporter = new AzureBlobExporter({
      container: azurite.container.containerName,
      serviceUrl: `https://127.0.0.1:${azuritePort(azurite.env)}/${azurite.env.AZURE_ACCOUNT_NAME}`,
      credential,
    });
    const error = await exporter.export(sampleEvents(3), exportContext()).catch((err: unknown) => err);
    expect(error).toMatchObject({ name: 'ExportError', retryable: false });
    expect((error as Error).message).toMatch(
      new RegExp(`no token for container '${azurite.container.containerName}': no credential available`),
    );
  });

  it('a token credential on an http endpoint is refused at construction', () => {
    expect(
      () =>
        new AzureBlobExporter({
          container: azurite.container.containerName,
          serviceUrl: azurite.env.AZURE_BLOB_ENDPOINT,
          credential: { getToken: async () => null },
        }),
    ).toThrow(/option serviceUrl must be https to authenticate with credential/);
    expect(
      () =>
        new AzureBlobExporter({
          container: azurite.container.containerName,
          serviceUrl: azurite.env.AZURE_BLOB_ENDPOINT,
        }),
    ).toThrow(/DefaultAzureCredential \(no accountKey given\)/);
  });
});
