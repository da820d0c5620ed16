import { describe, expect, it } from 'vitest';
import { WebhookExporter, type WebhookExporterOptions } from '../src/index.js';

const create = (options: unknown) => () => new WebhookExporter(options as WebhookExporterOptions);
const url = 'https://hooks.example.com/goff';

describe('WebhookExporter options', () => {
  it('endpointUrl is required and must be an http(s) URL', () => {
    expect(create({})).toThrow(/option endpointUrl must be an http: or https: URL, got undefined/);
    expect(create({ endpointUrl: 'hooks.example.com' })).toThrow(
      /endpointUrl must be an http: or https: URL: it cannot be parsed/,
    );
    expect(create({ endpointUrl: 'ftp://hooks.example.com/x' })).toThrow(
      /endpointUrl must be an http: or https: URL, got protocol 'ftp:'/,
    );
    expect(create(undefined)).toThrow(/option options must be an object/);
  });

  it("unknown options are refused, with the option probably meant (GO Feature Flag's endpointURL spelling)", () => {
    expect(create({ endpointURL: url })).toThrow(
      'WebhookExporter has no option endpointURL (did you mean endpointUrl?)',
    );
    expect(create({ endpointUrl: url, retries: 3 })).toThrow(
      /has no option retries; known: endpointUrl, secret/,
    );
  });

  it('meta takes strings; headers take strings or lists of strings, never a header the exporter sets', () => {
    expect(create({ endpointUrl: url, meta: { env: 3 } })).toThrow(/option meta.env must be a string, got 3/);
    expect(create({ endpointUrl: url, headers: { 'Content-Type': 'text/plain' } })).toThrow(
      "WebhookExporter option headers['Content-Type'] is set by the exporter itself: remove it",
    );
    expect(create({ endpointUrl: url, headers: { 'X-Hub-Signature-256': 'x' } })).toThrow(
      /is set by the exporter/,
    );
    expect(create({ endpointUrl: url, headers: { 'Bad Name': 'x' } })).toThrow(
      /invalid header name 'Bad Name'/,
    );
    expect(create({ endpointUrl: url, headers: { 'X-A': [] } })).toThrow(
      /must be a string or a non-empty list of strings/,
    );
    expect(create({ endpointUrl: url, headers: { a: '1', A: '2' } })).toThrow(/has 'A' twice/);
  });

  it('a header value is never echoed in an error: it may be a credential', () => {
    let message = '';
    try {
      create({ endpointUrl: url, headers: { Authorization: ['Bearer se\ncret-token'] } })();
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toContain("headers['Authorization'] has a value with invalid characters");
    expect(message).not.toContain('cret-token');
  });

  it('secret, timeoutMs, gzip, maxBatchBytes and agent are checked', () => {
    expect(create({ endpointUrl: url, secret: '' })).toThrow(/option secret must be a non-empty string/);
    expect(create({ endpointUrl: url, timeoutMs: 0 })).toThrow(
      /option timeoutMs must be a number of ms from 1/,
    );
    expect(create({ endpointUrl: url, gzip: 'yes' })).toThrow(/option gzip must be a boolean, got 'yes'/);
    expect(create({ endpointUrl: url, maxBatchBytes: 10 })).toThrow(
      /option maxBatchBytes must be an integer number of bytes >= 1024, got 10/,
    );
    expect(create({ endpointUrl: url, agent: {} })).toThrow(
      /option agent must be an http.Agent or https.Agent/,
    );
  });

  it('an endpoint with user info and an Authorization header is ambiguous', () => {
    expect(
      create({ endpointUrl: 'https://u:p@hooks.example.com/', headers: { authorization: 'Bearer x' } }),
    ).toThrow(/give one of them/);
  });

  it('the endpoint shown in errors has neither user info nor query', () => {
    const exporter = new WebhookExporter({
      endpointUrl: 'https://u:p@hooks.example.com:8443/goff?token=abc',
    });
    expect(exporter.endpoint).toBe('https://hooks.example.com:8443/goff');
    expect(exporter.isBulk()).toBe(true);
  });
});
