import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ListMultipartUploadsCommand, S3Client } from '@aws-sdk/client-s3';
import { startFaultProxy } from '@ff/exporter-testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { killGroup } from '../../../test-services/lib.mjs';
import { start } from '../../../test-services/moto/index.mjs';
import { S3Exporter } from '../src/index.js';
import { dataExporter, events, expectLandedOnce, watchingLogger } from './delivery.js';
import { clientConfig, createBucket, deleteBucket, testClient, useMoto } from './moto.js';

const moto = useMoto();

describe('S3Exporter options and connections', () => {
  it('refuses a missing bucket, and client together with clientConfig, at construction', () => {
    expect(() => new S3Exporter({ bucket: '' })).toThrow(/bucket must be a bucket name/);
    expect(
      () => new S3Exporter({ bucket: 'b', client: new S3Client({}), clientConfig: { region: 'us-east-1' } }),
    ).toThrow(/client or clientConfig, not both/);
  });

  it('opens no connection at construction, and close() is prompt when nothing was sent', async () => {
    await using proxy = await startFaultProxy({ targetPort: Number(new URL(moto.endpoint).port) });
    const exporter = new S3Exporter({ bucket: 'never-used', clientConfig: clientConfig(proxy.url()) });
    await exporter.close();
    expect(proxy.connections.accepted).toBe(0);
  });

  it('uses an injected client as it is, and leaves it open at close()', async () => {
    const bucket = `injected-${process.pid}`;
    await createBucket(moto.client, bucket);
    const injected = testClient(moto.endpoint);
    const data = dataExporter(new S3Exporter({ bucket, client: injected }), watchingLogger());
    const sent = events(100);
    for (const event of sent) data.add(event);
    await data.close();
    expect(data.stats()).toMatchObject({ exported: sent.length });
    // Still usable: the exporter did not destroy what it did not build.
    expect(await expectLandedOnce(injected, bucket, sent)).toHaveLength(1);
    injected.destroy();
    await deleteBucket(moto.client, bucket);
  });

  it("takes the endpoint, region and keys from the SDK's environment (AWS_ENDPOINT_URL_S3, …)", async () => {
    const bucket = `from-env-${process.pid}`;
    await createBucket(moto.client, bucket);
    try {
      const sent = events(100);
      const { stats } = await withAwsEnv(
        { AWS_REGION: 'eu-west-3', AWS_ACCESS_KEY_ID: 'from-env', AWS_SECRET_ACCESS_KEY: 'from-env' },
        () => exportOnce(new S3Exporter({ bucket, clientConfig: { forcePathStyle: true } }), sent),
      );
      expect(stats).toMatchObject({ exported: sent.length });
      expect(await expectLandedOnce(moto.client, bucket, sent)).toHaveLength(1);
    } finally {
      await deleteBucket(moto.client, bucket);
    }
  });
});

/** Runs `body` with only these AWS_* variables (and moto as AWS_ENDPOINT_URL_S3): no profile, no instance metadata. */
async function withAwsEnv<T>(vars: Record<string, string>, body: () => Promise<T>): Promise<T> {
  const saved = process.env;
  process.env = Object.fromEntries(Object.entries(saved).filter(([name]) => !name.startsWith('AWS_')));
  Object.assign(process.env, {
    AWS_ENDPOINT_URL_S3: moto.endpoint,
    AWS_CONFIG_FILE: join(tmpdir(), 'ff-s3-no-config'),
    AWS_SHARED_CREDENTIALS_FILE: join(tmpdir(), 'ff-s3-no-credentials'),
    AWS_EC2_METADATA_DISABLED: 'true',
    ...vars,
  });
  try {
    return await body();
  } finally {
    process.env = saved;
  }
}

/** Exports `sent` through a fresh DataExporter, closes it, and says what it counted and logged. */
async function exportOnce(exporter: S3Exporter, sent = events(20)) {
  const logger = watchingLogger();
  const data = dataExporter(exporter, logger);
  for (const event of sent) data.add(event);
  await data.close();
  return { stats: data.stats(), errors: logger.errors };
}

describe('S3Exporter failures that no retry can mend', () => {
  it('no credentials anywhere: fails at once, the message says where the SDK looks for them', async () => {
    const { stats, errors } = await withAwsEnv({ AWS_REGION: 'us-east-1' }, () =>
      exportOnce(new S3Exporter({ bucket: 'no-keys', clientConfig: { forcePathStyle: true } })),
    );
    expect(stats).toMatchObject({ exported: 0, failed: 20, retries: 0 });
    expect(errors[0]).toContain(
      `no AWS credentials for S3 bucket 'no-keys' (${moto.endpoint} from AWS_ENDPOINT_URL_S3)`,
    );
    expect(errors[0]).toContain(
      'set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, AWS_PROFILE, or clientConfig.credentials',
    );
  });

  it('no region anywhere: fails at once, the message names AWS_REGION', async () => {
    const { stats, errors } = await withAwsEnv({ AWS_ACCESS_KEY_ID: 'k', AWS_SECRET_ACCESS_KEY: 's' }, () =>
      exportOnce(new S3Exporter({ bucket: 'no-region', clientConfig: { forcePathStyle: true } })),
    );
    expect(stats).toMatchObject({ exported: 0, failed: 20, retries: 0 });
    expect(errors[0]).toContain("no AWS region for S3 bucket 'no-region'");
    expect(errors[0]).toContain('set AWS_REGION or clientConfig.region');
  });

  it('a missing bucket fails the batch at once, and the logged message names the bucket', async () => {
    const logger = watchingLogger();
    const bucket = `missing-${process.pid}`;
    const data = dataExporter(new S3Exporter({ bucket, clientConfig: clientConfig(moto.endpoint) }), logger);
    const sent = events(100);
    for (const event of sent) data.add(event);
    await data.close();
    expect(data.stats()).toMatchObject({ exported: 0, failed: sent.length, retries: 0 });
    expect(logger.errors).toHaveLength(1);
    expect(logger.errors[0]).toContain('non-retryable');
    expect(logger.errors[0]).toContain(`S3 bucket '${bucket}' (${moto.endpoint}) does not exist`);
    expect(logger.errors[0]).toContain('create it, or fix the bucket option');
  });

  /** Exports 10 events to a fresh bucket through a format that yields `line` `times` times, then throws. */
  async function throughBrokenEncoder(bucket: string, line: string, times: number, message: string) {
    await createBucket(moto.client, bucket);
    const bytes = new TextEncoder().encode(line);
    const exporter = new S3Exporter({
      bucket,
      clientConfig: clientConfig(moto.endpoint),
      format: {
        name: 'json',
        contentType: 'application/x-ndjson',
        async *encode() {
          for (let i = 0; i < times; i++) yield bytes;
          throw new Error(message);
        },
      },
    });
    const logger = watchingLogger();
    // One attempt: retries of a 20 MB upload on a loaded machine could outlast close()'s deadline,
    // which would close the store before the last attempt's clean-up.
    const data = dataExporter(exporter, logger, 10_000, 1);
    for (const event of events(10)) data.add(event);
    await data.close();
    return { stats: data.stats(), errors: logger.errors.join('\n') };
  }

  it('an encoder failing mid-stream is reported and counted, never thrown out of the SDK', async () => {
    const bucket = `stream-error-${process.pid}`;
    const { stats, errors } = await throughBrokenEncoder(bucket, '{"a":1}\n', 1, 'encoder broke');
    expect(stats).toMatchObject({ exported: 0, failed: 10 });
    expect(errors).toContain('encoder broke');
    await deleteBucket(moto.client, bucket);
  });

  it('a body that fails after two parts: the multipart upload is aborted, no parts left behind', async () => {
    const bucket = `multipart-error-${process.pid}`;
    // 20 MB: two full parts are on their way when the encoder fails.
    const line = `${JSON.stringify({ pad: 'x'.repeat(1000) })}\n`;
    const { stats, errors } = await throughBrokenEncoder(bucket, line, 20_000, 'encoder broke after 20 MB');
    expect(stats).toMatchObject({ exported: 0, failed: 10 });
    expect(errors).toContain('encoder broke after 20 MB');
    const open = await moto.client.send(new ListMultipartUploadsCommand({ Bucket: bucket }));
    expect(open.Uploads ?? []).toEqual([]);
    await deleteBucket(moto.client, bucket);
  });

  describe('on a moto that checks credentials', () => {
    let peer: {
      env: { S3_ENDPOINT: string; S3_ACCESS_KEY_ID?: string; S3_SECRET_ACCESS_KEY?: string };
      pids: number[];
    };
    let keys: { accessKeyId: string; secretAccessKey: string };
    const bucket = 'with-auth';
    beforeAll(async () => {
      peer = await start({ logFile: join(tmpdir(), `ff-moto-auth-${process.pid}.log`), authChecks: true });
      keys = {
        accessKeyId: peer.env.S3_ACCESS_KEY_ID ?? '',
        secretAccessKey: peer.env.S3_SECRET_ACCESS_KEY ?? '',
      };
      const owner = new S3Client(clientConfig(peer.env.S3_ENDPOINT, { credentials: keys }));
      await createBucket(owner, bucket);
      owner.destroy();
    }, 60_000);
    afterAll(async () => {
      await Promise.all((peer?.pids ?? []).map((pid) => killGroup(pid)));
    });

    const run = async (credentials: { accessKeyId: string; secretAccessKey: string }) => {
      const logger = watchingLogger();
      const config = clientConfig(peer.env.S3_ENDPOINT, { credentials });
      const data = dataExporter(new S3Exporter({ bucket, clientConfig: config }), logger);
      for (const event of events(50)) data.add(event);
      await data.close();
      return { stats: data.stats(), errors: logger.errors };
    };

    it('the right key delivers (the control)', async () => {
      expect((await run(keys)).stats).toMatchObject({ exported: 50, failed: 0 });
    });

    it('a wrong secret fails at once, not retried, with a message that names the bucket and no secret', async () => {
      const wrong = { ...keys, secretAccessKey: 'wrong-secret-value' };
      const { stats, errors } = await run(wrong);
      expect(stats).toMatchObject({ exported: 0, failed: 50, retries: 0 });
      expect(errors[0]).toMatch(
        /S3 bucket 'with-auth' \(.*\) refused the credentials \(SignatureDoesNotMatch 403/,
      );
      expect(errors[0]).toContain('check the access key');
      expect(errors[0]).not.toContain('wrong-secret-value');
      expect(errors[0]).not.toContain(keys.secretAccessKey);
    });

    it('an unknown access key fails at once, not retried', async () => {
      const { stats, errors } = await run({ accessKeyId: 'AKIAUNKNOWN000000000', secretAccessKey: 'x' });
      expect(stats).toMatchObject({ exported: 0, failed: 50, retries: 0 });
      expect(errors[0]).toContain('refused the credentials (InvalidAccessKeyId 403');
    });
  });
});
