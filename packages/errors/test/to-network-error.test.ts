import { connect as netConnect, createServer, type AddressInfo, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { closedPort, startHttpServer, invalidLookup } from '@net/test-utils';
import { describe, expect, it } from 'vitest';
import {
  AbortError,
  ConnectionError,
  DNSResolutionError,
  NetworkError,
  NetworkTimeoutError,
  SSLError,
  toNetworkError,
} from '../src/index.js';

/** Resolves with the error a real socket emits. */
function socketError(socket: Socket): Promise<Error> {
  return new Promise((resolve) => {
    socket.once('error', resolve);
  });
}

describe('toNetworkError', () => {
  it('maps ECONNREFUSED from a closed loopback port to ConnectionError refused', async () => {
    const port = await closedPort();
    const original = await socketError(netConnect(port, '127.0.0.1'));
    const err = toNetworkError(original, {
      host: '127.0.0.1',
      port,
      protocol: 'tcp',
      operation: 'connect',
    });
    expect(err).toBeInstanceOf(ConnectionError);
    expect(err).toMatchObject({
      code: 'ERR_NET_CONNECTION_REFUSED',
      host: '127.0.0.1',
      port,
      protocol: 'tcp',
      retryable: true,
    });
    expect(err.cause).toBe(original);
    expect(err.message).toBe(`connect connection refused (ECONNREFUSED): 127.0.0.1:${port}`);
  });

  it('maps ENOTFOUND for a .invalid name to DNSResolutionError', async () => {
    const socket = netConnect({ host: 'nothing-here.invalid', port: 80, lookup: invalidLookup });
    const original = await socketError(socket);
    const err = toNetworkError(original, { host: 'nothing-here.invalid', port: 80 });
    expect(err).toBeInstanceOf(DNSResolutionError);
    expect(err).toMatchObject({
      code: 'ERR_NET_DNS',
      hostname: 'nothing-here.invalid',
      reason: 'ENOTFOUND',
      retryable: false,
    });
    expect(err.cause).toBe(original);
  });

  it('maps a self-signed certificate to SSLError with the OpenSSL reason', async () => {
    await using server = await startHttpServer(undefined, { tls: 'self-signed' });
    const socket = tlsConnect({ host: '127.0.0.1', port: server.port, servername: 'localhost' });
    const original = await socketError(socket);
    socket.destroy();
    const err = toNetworkError(original, { host: '127.0.0.1', port: server.port });
    expect(err).toBeInstanceOf(SSLError);
    expect(err).toMatchObject({
      code: 'ERR_NET_TLS',
      reason: 'DEPTH_ZERO_SELF_SIGNED_CERT',
      host: '127.0.0.1',
    });
  });

  it('maps a certificate signed by an unknown CA to SSLError', async () => {
    await using server = await startHttpServer(undefined, { tls: true });
    const socket = tlsConnect({ host: '127.0.0.1', port: server.port });
    const original = await socketError(socket);
    socket.destroy();
    const err = toNetworkError(original);
    expect(err).toBeInstanceOf(SSLError);
    expect((err as SSLError).reason).toBe('UNABLE_TO_VERIFY_LEAF_SIGNATURE');
  });

  it('maps a peer that resets the connection to ConnectionError reset', async () => {
    const server = createServer((socket) => socket.resetAndDestroy());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      const client = netConnect(port, '127.0.0.1');
      client.on('connect', () => client.write('hello'));
      const original = await socketError(client);
      const err = toNetworkError(original, { host: '127.0.0.1', port });
      expect(err).toBeInstanceOf(ConnectionError);
      expect(err.code).toBe('ERR_NET_CONNECTION_RESET');
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('maps a fired AbortSignal to AbortError', async () => {
    const controller = new AbortController();
    await using server = await startHttpServer();
    const pending = fetch(server.url, { signal: controller.signal });
    controller.abort();
    const original = await pending.catch((e: unknown) => e);
    const err = toNetworkError(original, { url: server.url });
    expect(err).toBeInstanceOf(AbortError);
    expect(err.code).toBe('ERR_NET_ABORTED');
    expect(err.cause).toBe(original);
  });

  it('maps a timeout signal to NetworkTimeoutError, not AbortError', async () => {
    const signal = AbortSignal.timeout(1);
    await new Promise((resolve) => setTimeout(resolve, 20));
    const err = toNetworkError(signal.reason, { timeoutMs: 1, phase: 'total' });
    expect(err).toBeInstanceOf(NetworkTimeoutError);
    expect(err).toMatchObject({ timeoutMs: 1, phase: 'total' });
  });

  it.each([
    ['ETIMEDOUT', NetworkTimeoutError, 'ERR_NET_TIMEOUT'],
    ['EHOSTUNREACH', ConnectionError, 'ERR_NET_CONNECTION_UNREACHABLE'],
    ['ENETUNREACH', ConnectionError, 'ERR_NET_CONNECTION_UNREACHABLE'],
    ['EPIPE', ConnectionError, 'ERR_NET_CONNECTION_RESET'],
    ['EAI_AGAIN', DNSResolutionError, 'ERR_NET_DNS'],
    ['ERR_TLS_CERT_ALTNAME_INVALID', SSLError, 'ERR_NET_TLS'],
    ['CERT_HAS_EXPIRED', SSLError, 'ERR_NET_TLS'],
    ['ERR_STREAM_PREMATURE_CLOSE', ConnectionError, 'ERR_NET_CONNECTION_CLOSED'],
  ] as const)(
    'maps %s (system errors that cannot be provoked on loopback)',
    (code, Class, netCode) => {
      const original = Object.assign(new Error(`something ${code}`), { code });
      const err = toNetworkError(original);
      expect(err).toBeInstanceOf(Class);
      expect(err.code).toBe(netCode);
      expect(err.cause).toBe(original);
    },
  );

  it('finds a known code in the cause chain of a wrapper error', () => {
    const root = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    const wrapper = new Error('request failed', { cause: root });
    const err = toNetworkError(wrapper);
    expect(err).toBeInstanceOf(ConnectionError);
    expect(err.cause).toBe(wrapper);
  });

  it('maps anything unknown to a plain NetworkError and redacts the target', () => {
    const err = toNetworkError(new Error('weird'), { url: 'http://u:secretpw@127.0.0.1/' });
    expect(err.constructor).toBe(NetworkError);
    expect(err.code).toBe('ERR_NET');
    expect(err.message).not.toContain('secretpw');
  });

  it('returns an existing NetworkError unchanged', () => {
    const existing = new SSLError('x');
    expect(toNetworkError(existing)).toBe(existing);
  });
});
