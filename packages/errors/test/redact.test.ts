import { inspect } from 'node:util';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  AbortError,
  ConnectionError,
  DNSResolutionError,
  HTTPError,
  NetworkError,
  NetworkTimeoutError,
  ProtocolError,
  ProxyError,
  RateLimitError,
  REDACTED,
  SSHError,
  SSLError,
  WebSocketError,
  redactHeaders,
  redactText,
  redactUrl,
  toNetworkError,
} from '../src/index.js';

describe('redactUrl', () => {
  it.each([
    ['https://bob:hunter2@example.com/x', 'https://[REDACTED]@example.com/x'],
    ['https://TOKEN@example.com', 'https://[REDACTED]@example.com'],
    ['http://h/p?token=abc&page=2', `http://h/p?token=${REDACTED}&page=2`],
    [
      'http://h/p?api_key=abc&Password=x&q=y',
      `http://h/p?api_key=${REDACTED}&Password=${REDACTED}&q=y`,
    ],
    ['http://h/cb#access_token=abc&state=1', `http://h/cb#access_token=${REDACTED}&state=1`],
    ['http://h/p?q=a@b', 'http://h/p?q=a@b'],
    ['ws://127.0.0.1:8080/socket', 'ws://127.0.0.1:8080/socket'],
  ])('redacts %s', (input, expected) => {
    expect(redactUrl(input)).toBe(expected);
  });

  it('accepts URL objects', () => {
    expect(redactUrl(new URL('http://a:b@127.0.0.1/'))).toBe('http://[REDACTED]@127.0.0.1/');
  });
});

describe('redactHeaders', () => {
  it('replaces credential headers in any case and keeps the rest', () => {
    expect(
      redactHeaders({
        Authorization: 'Bearer x',
        cookie: 'a=b',
        'Proxy-Authorization': 'Basic y',
        accept: 'text/html',
      }),
    ).toEqual({
      Authorization: REDACTED,
      cookie: REDACTED,
      'Proxy-Authorization': REDACTED,
      accept: 'text/html',
    });
  });

  it('accepts a Headers instance', () => {
    expect(redactHeaders(new Headers({ authorization: 'x', 'x-a': '1' }))).toEqual({
      authorization: REDACTED,
      'x-a': '1',
    });
  });
});

describe('redactText', () => {
  it('redacts URLs, header text, bearer tokens and key=value credentials inside a message', () => {
    const text = redactText(
      'GET http://u:pw1234@h/x?token=t0k failed; Authorization: Bearer abcdefgh; password=letmein',
    );
    expect(text).not.toMatch(/pw1234|t0k|abcdefgh|letmein/);
  });
});

describe('redaction of the generic patterns of issue 10', () => {
  it.each([
    ['an OAuth code in a URL', 'GET http://h/cb?code=0authC0de&state=1', '0authC0de', 'state=1'],
    [
      'an OAuth code in a form body',
      'grant_type=authorization_code&code=0authC0de',
      '0authC0de',
      'grant_type',
    ],
    ['pw', 'http://h/login?user=bob&pw=hunter22', 'hunter22', 'user=bob'],
    ['sid', 'http://h/?sid=5e551on1d', '5e551on1d', 'http://h/'],
    ['sid in text', 'sid=5e551on1d; path=/', '5e551on1d', 'path'],
    [
      'every cookie of a Cookie line',
      'Cookie: a=first1; b=second2; c=third3\r\nAccept: */*',
      'second2',
      'Accept: */*',
    ],
    [
      'JSON-shaped cookie',
      '{"cookie": "a=first1; b=second2", "path": "/x"}',
      'second2',
      '"path": "/x"',
    ],
    [
      'JSON-shaped authorization',
      '{"authorization":"Basic Ym9iOnB3","ok":1}',
      'Ym9iOnB3',
      '"ok":1',
    ],
    [
      'a Digest response',
      'Digest username="bob", realm="r", nonce="n1", response="6629fae49393a05397450978507c4ef1"',
      '6629fae4',
      'realm',
    ],
    [
      'a Digest Authorization line',
      'Authorization: Digest username="bob", response="6629fae49393a05397450978507c4ef1"',
      '6629fae4',
      'Authorization',
    ],
  ])('%s', (_name, input, secretPart, kept) => {
    const out = redactText(input);
    expect(out).not.toContain(secretPart);
    expect(out).toContain(kept);
  });

  it('does not treat "exit code=1" as an OAuth code', () => {
    expect(redactText('process exit code=1')).toBe('process exit code=1');
  });
});

// Secrets are distinctive so that a hit is never a coincidence.
const secret = fc.stringMatching(/^[A-Za-z0-9]{8,24}$/).map((s) => `S3CR3T${s}`);
const queryKey = fc.constantFrom(
  'token',
  'access_token',
  'api_key',
  'apikey',
  'password',
  'secret',
  'sig',
  'X-Amz-Signature',
  'client_secret',
  'auth',
);
const headerName = fc.constantFrom(
  'Authorization',
  'authorization',
  'Cookie',
  'cookie',
  'Proxy-Authorization',
  'Set-Cookie',
);

type Make = (url: string, headers: Record<string, string>, cause: Error) => NetworkError;

/** Every class, fed secrets through every input that can carry one. */
const makers: Record<string, Make> = {
  NetworkError: (url, _h, cause) => new NetworkError(`failed: ${url}`, { cause }),
  ConnectionError: (url, _h, cause) =>
    new ConnectionError(`refused: ${url}`, { cause, host: '127.0.0.1' }),
  NetworkTimeoutError: (url, _h, cause) => new NetworkTimeoutError(`timeout: ${url}`, { cause }),
  SSLError: (url, _h, cause) => new SSLError(`tls: ${url}`, { cause }),
  HTTPError: (url, headers, cause) =>
    new HTTPError(`Request failed with status code 500: GET ${url}`, {
      statusCode: 500,
      url,
      headers,
      cause,
      method: 'GET',
    }),
  RateLimitError: (url, headers, cause) =>
    new RateLimitError(`429: ${url}`, { statusCode: 429, url, headers, cause, retryAfterMs: 5 }),
  DNSResolutionError: (url, _h, cause) => new DNSResolutionError(`dns: ${url}`, { cause }),
  WebSocketError: (url, _h, cause) => new WebSocketError(`ws: ${url}`, { url, cause }),
  ProxyError: (url, _h, cause) =>
    new ProxyError(`proxy: ${url}`, { proxyUrl: url, cause, statusCode: 407 }),
  SSHError: (url, _h, cause) => new SSHError(`ssh: ${url}`, { cause }),
  ProtocolError: (url, _h, cause) => new ProtocolError(`bad: ${url}`, { cause }),
  AbortError: (url, _h, cause) => new AbortError(`aborted: ${url}`, { cause }),
  toNetworkError: (url, _h, cause) => toNetworkError(cause, { url }),
};

describe('no error class ever prints a secret', () => {
  it.each(Object.keys(makers))('%s: message, String(), JSON and inspect stay clean', (name) => {
    fc.assert(
      fc.property(
        secret,
        secret,
        secret,
        secret,
        queryKey,
        headerName,
        (user, pass, query, header, key, hName) => {
          const url = `https://${user}:${pass}@127.0.0.1:8443/path?${key}=${query}&page=2`;
          const headers = { [hName]: `Bearer ${header}`, accept: 'application/json' };
          // A lower library's error that quotes the URL and the header, as some do.
          const cause = Object.assign(
            new Error(`request to ${url} failed, Authorization: Bearer ${header}`),
            {
              code: 'ECONNRESET',
            },
          );
          const err = makers[name]!(url, headers, cause);
          const outputs = [
            err.message,
            String(err),
            JSON.stringify(err),
            inspect(err, { depth: 10 }),
            err.stack ?? '',
          ];
          for (const output of outputs) {
            for (const s of [user, pass, query, header]) expect(output).not.toContain(s);
          }
        },
      ),
      { numRuns: 60 },
    );
  });
});
