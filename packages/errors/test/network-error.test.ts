import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { inspect } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import * as errors from '../src/index.js';
import {
  AbortError,
  ConnectionError,
  DNSResolutionError,
  ErrorCodes,
  HTTPError,
  NetworkError,
  NetworkTimeoutError,
  ProtocolError,
  ProxyError,
  RateLimitError,
  SSHError,
  SSLError,
  WebSocketError,
} from '../src/index.js';

const samples = () => ({
  NetworkError: new NetworkError('boom'),
  ConnectionError: new ConnectionError('refused', { host: '127.0.0.1', port: 1, protocol: 'tcp' }),
  NetworkTimeoutError: new NetworkTimeoutError('slow', { timeoutMs: 10, phase: 'connect' }),
  SSLError: new SSLError('bad cert', { host: 'localhost', reason: 'DEPTH_ZERO_SELF_SIGNED_CERT' }),
  HTTPError: new HTTPError('Request failed with status code 500', {
    statusCode: 500,
    method: 'GET',
  }),
  RateLimitError: new RateLimitError('slow down', { statusCode: 429, retryAfterMs: 1000 }),
  DNSResolutionError: new DNSResolutionError('no such host', {
    hostname: 'x.invalid',
    reason: 'ENOTFOUND',
  }),
  WebSocketError: new WebSocketError('queue full', { code: ErrorCodes.WS_QUEUE_FULL }),
  ProxyError: new ProxyError('407', { statusCode: 407 }),
  SSHError: new SSHError('auth', { code: ErrorCodes.SSH_AUTH, host: 'h', port: 22, username: 'u' }),
  ProtocolError: new ProtocolError('bad json', { snippet: '{' }),
  AbortError: new AbortError(),
});

describe('error classes', () => {
  it.each([
    ['NetworkError', 'ERR_NET', false],
    ['ConnectionError', 'ERR_NET_CONNECTION_REFUSED', true],
    ['NetworkTimeoutError', 'ERR_NET_TIMEOUT', true],
    ['SSLError', 'ERR_NET_TLS', false],
    ['HTTPError', 'ERR_NET_HTTP_STATUS', true],
    ['RateLimitError', 'ERR_NET_RATE_LIMITED', true],
    ['DNSResolutionError', 'ERR_NET_DNS', false],
    ['WebSocketError', 'ERR_NET_WS_QUEUE_FULL', false],
    ['ProxyError', 'ERR_NET_PROXY', false],
    ['SSHError', 'ERR_NET_SSH_AUTH', false],
    ['ProtocolError', 'ERR_NET_PROTOCOL', false],
    ['AbortError', 'ERR_NET_ABORTED', false],
  ] as const)(
    '%s has code %s, retryable %s, its name, and is a NetworkError and an Error',
    (name, code, retryable) => {
      const err = samples()[name];
      expect(err.code).toBe(code);
      expect(err.retryable).toBe(retryable);
      expect(err.name).toBe(name);
      expect(err).toBeInstanceOf(NetworkError);
      expect(err).toBeInstanceOf(Error);
      expect(String(err)).toBe(`${name}: ${err.message}`);
    },
  );

  it('keeps the original error as cause', () => {
    const original = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    const err = new ConnectionError('refused', { cause: original });
    expect(err.cause).toBe(original);
  });

  it('does not make sibling classes match each other', () => {
    const all = samples();
    for (const [name, err] of Object.entries(all)) {
      for (const [otherName, Other] of Object.entries(errors)) {
        if (typeof Other !== 'function' || !/Error$/.test(otherName)) continue;
        const expected =
          otherName === name ||
          otherName === 'NetworkError' ||
          (name === 'RateLimitError' && otherName === 'HTTPError');
        expect(err instanceof (Other as Function), `${name} instanceof ${otherName}`).toBe(
          expected,
        );
      }
    }
  });

  it('lets a user subclass without a brand use the ordinary prototype check', () => {
    class MyError extends HTTPError {}
    const mine = new MyError('x', { statusCode: 400 });
    expect(mine).toBeInstanceOf(MyError);
    expect(mine).toBeInstanceOf(HTTPError);
    expect(new HTTPError('x', { statusCode: 400 })).not.toBeInstanceOf(MyError);
  });

  it('derives retryable from the status and lets the caller override it', () => {
    expect(new HTTPError('x', { statusCode: 404 }).retryable).toBe(false);
    expect(new HTTPError('x', { statusCode: 503 }).retryable).toBe(true);
    expect(new ConnectionError('x', { code: ErrorCodes.CONNECTION_UNREACHABLE }).retryable).toBe(
      false,
    );
    expect(new DNSResolutionError('x', { reason: 'EAI_AGAIN' }).retryable).toBe(true);
    expect(new NetworkError('x', { retryable: true }).retryable).toBe(true);
  });

  it('serialises fields and a summary of the cause with toJSON, without the response', () => {
    const cause = Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
    const err = new HTTPError('failed', {
      statusCode: 502,
      statusMessage: 'Bad Gateway',
      method: 'GET',
      url: 'http://127.0.0.1/x',
      body: 'x'.repeat(5000),
      response: { huge: true },
      cause,
    });
    const json = JSON.parse(JSON.stringify(err)) as Record<string, any>;
    expect(json).toMatchObject({
      name: 'HTTPError',
      code: 'ERR_NET_HTTP_STATUS',
      statusCode: 502,
      method: 'GET',
      url: 'http://127.0.0.1/x',
      retryable: true,
      cause: { name: 'Error', message: 'socket hang up', code: 'ECONNRESET' },
    });
    expect(json.body).toHaveLength(1024);
    expect(json).not.toHaveProperty('response');
    expect(err.response).toEqual({ huge: true });
    expect(Object.keys(err)).not.toContain('response');
  });

  it('shows the stack, fields and cause chain in util.inspect', () => {
    const root = Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' });
    const err = new ConnectionError('reset', {
      code: ErrorCodes.CONNECTION_RESET,
      cause: root,
      port: 9,
    });
    const text = inspect(err);
    expect(text).toContain('ConnectionError: reset');
    expect(text).toContain("code: 'ERR_NET_CONNECTION_RESET'");
    expect(text).toContain('[cause]: Error: read ECONNRESET');
    expect(text).toContain('(code: ECONNRESET)');
  });
});

describe('instanceof across two loaded copies of @net/errors', () => {
  const here = dirname(fileURLToPath(import.meta.url));
  const copyDir = mkdtempSync(join(tmpdir(), 'net-errors-copy-'));
  cpSync(join(here, '../src'), copyDir, { recursive: true });
  afterAll(() => rmSync(copyDir, { recursive: true, force: true }));

  it('recognises an error made by the other copy as its own class, and not as a sibling', async () => {
    const other = (await import(join(copyDir, 'index.ts'))) as typeof errors;
    // Really a second copy: the constructors differ.
    expect(other.ConnectionError).not.toBe(ConnectionError);

    const foreign = new other.ConnectionError('refused', { port: 1 });
    expect(foreign).toBeInstanceOf(ConnectionError);
    expect(foreign).toBeInstanceOf(NetworkError);
    expect(foreign).not.toBeInstanceOf(SSLError);
    expect(foreign).not.toBeInstanceOf(HTTPError);

    const foreignRateLimit = new other.RateLimitError('429', { statusCode: 429 });
    expect(foreignRateLimit).toBeInstanceOf(HTTPError);
    expect(foreignRateLimit).toBeInstanceOf(RateLimitError);

    const local = new SSHError('x');
    expect(local).toBeInstanceOf(other.SSHError);
    expect(local).not.toBeInstanceOf(other.ProxyError);
    expect(new HTTPError('x', { statusCode: 500 })).not.toBeInstanceOf(other.RateLimitError);
  });

  it('toNetworkError passes through an error from the other copy unchanged', async () => {
    const other = (await import(join(copyDir, 'index.ts'))) as typeof errors;
    const foreign = new other.SSLError('x');
    expect(errors.toNetworkError(foreign)).toBe(foreign);
  });
});

describe('ProtocolError codes', () => {
  it('is ERR_NET_PROTOCOL by default and ERR_NET_TOO_LARGE with the limit when a bound was passed', async () => {
    const { ProtocolError } = await import('../src/index.js');
    expect(new ProtocolError('bad json')).toMatchObject({
      code: 'ERR_NET_PROTOCOL',
      limit: undefined,
    });
    const tooLarge = new ProtocolError('too big', { code: 'ERR_NET_TOO_LARGE', limit: 10 });
    expect(tooLarge.toJSON()).toMatchObject({ code: 'ERR_NET_TOO_LARGE', limit: 10 });
    expect(tooLarge).toBeInstanceOf(ProtocolError);
  });
});
