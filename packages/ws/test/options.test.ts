import { describe, expect, it } from 'vitest';
import { WebSocketClient, type WebSocketClientOptions } from '../src/index.js';

const url = 'ws://127.0.0.1:9/';
const defaults = WebSocketClient.defaults;
const defaultShouldReconnect = defaults.reconnect.shouldReconnect;

describe('options', () => {
  it.each<[string, Partial<WebSocketClientOptions> & Record<string, unknown>, string]>([
    ['an http URL', { url: 'http://127.0.0.1/' }, 'ERR_INVALID_ARG_VALUE'],
    ['a file URL', { url: 'file:///etc/passwd' }, 'ERR_INVALID_ARG_VALUE'],
    ['a malformed URL', { url: 'ws://' }, 'ERR_INVALID_ARG_VALUE'],
    ['a URL with a fragment', { url: 'ws://127.0.0.1/#x' }, 'ERR_INVALID_ARG_VALUE'],
    ['a number as URL', { url: 42 as unknown as string }, 'ERR_INVALID_ARG_TYPE'],
    ['a negative connectTimeout', { url, connectTimeout: -1 }, 'ERR_INVALID_ARG_VALUE'],
    [
      'a string connectTimeout',
      { url, connectTimeout: '5' as unknown as number },
      'ERR_INVALID_ARG_TYPE',
    ],
    ['a header with CR/LF', { url, headers: { 'x-a': 'b\r\nx-evil: 1' } }, 'ERR_INVALID_ARG_VALUE'],
    ['a header name with a space', { url, headers: { 'x a': 'b' } }, 'ERR_INVALID_ARG_VALUE'],
    ['a header name with a bracket', { url, headers: { 'x(a)': 'b' } }, 'ERR_INVALID_ARG_VALUE'],
    ['a bad subprotocol', { url, protocols: ['has space'] }, 'ERR_INVALID_ARG_VALUE'],
    ['duplicate subprotocols', { url, protocols: ['a', 'a'] }, 'ERR_INVALID_ARG_VALUE'],
    [
      'a fractional queue.maxMessages',
      { url, queue: { maxMessages: 1.5 } },
      'ERR_INVALID_ARG_VALUE',
    ],
    ['a reconnect factor below 1', { url, reconnect: { factor: 0.5 } }, 'ERR_INVALID_ARG_VALUE'],
    [
      'a non-function shouldReconnect',
      { url, reconnect: { shouldReconnect: 1 as never } },
      'ERR_INVALID_ARG_TYPE',
    ],
    ['a zero heartbeat interval', { url, heartbeat: { interval: 0 } }, 'ERR_INVALID_ARG_VALUE'],
    [
      'message mode without a message',
      { url, heartbeat: { mode: 'message' } },
      'ERR_INVALID_ARG_VALUE',
    ],
    [
      'acks without ackOf',
      { url, acks: { wrap: (s: number) => s } as never },
      'ERR_INVALID_ARG_TYPE',
    ],
  ])('throws before any I/O for %s', (_name, options, code) => {
    expect(() => new WebSocketClient(options as WebSocketClientOptions)).toThrow(
      expect.objectContaining({ code }),
    );
  });

  it('does not echo a header value in the error', () => {
    let message = '';
    try {
      new WebSocketClient({ url, headers: { authorization: 'Bearer s3cret\n' } });
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toContain('authorization');
    expect(message).not.toContain('s3cret');
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['reconect', { url, reconect: false }, 'reconnect'],
    ['heartbeet', { url, heartbeet: false }, 'heartbeat'],
    ['connectTimout', { url, connectTimout: 5 }, 'connectTimeout'],
    ['reconnect.maxAttempt', { url, reconnect: { maxAttempt: 3 } }, 'maxAttempts'],
    ['heartbeat.intervall', { url, heartbeat: { intervall: 5 } }, 'interval'],
    ['queue.maxByte', { url, queue: { maxByte: 5 } }, 'maxBytes'],
    ['tls.rejectUnauthorised', { url, tls: { rejectUnauthorised: false } }, 'rejectUnauthorized'],
    ['acks.ackof', { url, acks: { wrap: () => 1, ackof: () => 1 } }, 'ackOf'],
  ])('names the closest key for the unknown option %s', (_name, options, closest) => {
    expect(() => new WebSocketClient(options as unknown as WebSocketClientOptions)).toThrow(
      expect.objectContaining({
        name: 'TypeError',
        code: 'ERR_INVALID_ARG_VALUE',
        message: expect.stringContaining(`Did you mean '${closest}'?`),
      }),
    );
  });

  it('rejects unknown keys of per-call options as a rejected promise, never a sync throw', async () => {
    const client = new WebSocketClient({ url });
    const wrong = { signall: AbortSignal.timeout(1000) } as never;
    await expect(client.connect(wrong)).rejects.toThrow(/Did you mean 'signal'\?/);
    await expect(client.flush(wrong)).rejects.toThrow(/Did you mean 'signal'\?/);
    await expect(client.close(1000, '', wrong)).rejects.toThrow(/Did you mean 'signal'\?/);
    await expect(client.connect({ signal: 'x' as never })).rejects.toMatchObject({
      code: 'ERR_INVALID_ARG_TYPE',
    });
    await client.close();
  });

  it('treats 0 and Infinity as "no limit" for connectTimeout, heartbeat.timeout and closeTimeout', () => {
    for (const none of [0, Infinity]) {
      expect(
        () =>
          new WebSocketClient({
            url,
            connectTimeout: none,
            closeTimeout: none,
            heartbeat: { timeout: none },
          }),
      ).not.toThrow();
    }
    expect(() => new WebSocketClient({ url, connectTimeout: Number.NaN })).toThrow(RangeError);
    expect(() => new WebSocketClient({ url, heartbeat: { timeout: -1 } })).toThrow(RangeError);
  });

  it('freezes its defaults deeply', () => {
    expect(Object.isFrozen(defaults)).toBe(true);
    for (const value of Object.values(defaults)) {
      if (typeof value === 'object' && value !== null) expect(Object.isFrozen(value)).toBe(true);
    }
    expect(() => {
      (defaults.queue as { maxBytes: number }).maxBytes = 1;
    }).toThrow(TypeError);
  });

  it('documents its defaults', () => {
    expect(defaults.connectTimeout).toBe(10_000);
    expect(defaults.queue).toEqual({ maxMessages: 1000, maxBytes: 1024 * 1024 });
    expect(defaults.heartbeat).toMatchObject({ interval: 30_000, timeout: 10_000 });
    expect(defaults.reconnect).toMatchObject({ initialDelay: 1000, maxDelay: 30_000, factor: 2 });
    expect(defaults.perMessageDeflate).toBe(false);
  });

  it.each([
    [1000, false],
    [1001, true],
    [1003, false],
    [1006, true],
    [1008, false],
    [1009, false],
    [1011, true],
    [1012, true],
    [1013, true],
    [4000, true],
  ])('defaultShouldReconnect(%i) is %s', (code, expected) => {
    expect(defaultShouldReconnect(code)).toBe(expected);
  });
});
