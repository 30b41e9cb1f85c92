import { ProxyError } from '@net/errors';
import { expectNoLeakedHandles, snapshotHandles, testCertificates } from '@net/test-utils';
import {
  hasNginx,
  hasSquid,
  hasTinyproxy,
  startNginx,
  startSquid,
  startTinyproxy,
  startUnacceptingListener,
  type NginxServer,
} from '@net/test-utils/http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HTTPClient } from '../../src/index.js';

const ok = { ok: true, server: 'nginx' };
const haveSquid = hasNginx() && hasSquid();
const haveTinyproxy = hasNginx() && hasTinyproxy();
if (!haveSquid) console.log('squid tests skipped: nginx or squid not installed (scripts/setup.sh)');
if (!haveTinyproxy) console.log('tinyproxy tests skipped: nginx or tinyproxy not installed');

let nginx: NginxServer | undefined;
beforeAll(async () => {
  if (haveSquid || haveTinyproxy) nginx = await startNginx();
}, 30_000);
afterAll(async () => {
  await nginx?.close();
});

const credentials = { username: 'alice', password: 'pr0xy-s3cret' };

describe.skipIf(!haveSquid)('through squid (Debian stock access policy)', () => {
  it('forwards http:// targets in absolute form (stock squid denies CONNECT to non-443)', async () => {
    await using squid = await startSquid();
    await using client = new HTTPClient({ proxy: squid.url });
    expect((await client.get(`${nginx!.httpUrl}/json`)).json()).toEqual(ok);
    expect(squid.accessLog()).toMatch(new RegExp(`TCP_MISS/200 \\d+ GET ${nginx!.httpUrl}/json`));
    expect(squid.accessLog()).not.toContain('CONNECT');
  });

  it('tunnels https:// targets with CONNECT', async () => {
    await using squid = await startSquid({ connectPorts: [nginx!.httpsPort] });
    const client = new HTTPClient({ proxy: squid.url, tls: { ca: testCertificates().ca } });
    expect((await client.get(`${nginx!.httpsUrl}/json`)).json()).toEqual(ok);
    // squid logs a tunnel when it closes.
    await client.close();
    const line = `CONNECT 127.0.0.1:${nginx!.httpsPort}`;
    for (let i = 0; i < 100 && !squid.accessLog().includes(line); i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(squid.accessLog()).toMatch(new RegExp(`TCP_TUNNEL/200 \\d+ ${line}`));
  });

  it('sends Basic credentials, for forwarded and tunnelled requests', async () => {
    await using squid = await startSquid({ auth: credentials, connectPorts: [nginx!.httpsPort] });
    await using client = new HTTPClient({
      proxy: squid.urlWithCredentials(credentials.username, credentials.password),
      tls: { ca: testCertificates().ca },
    });
    expect((await client.get(`${nginx!.httpUrl}/json`)).json()).toEqual(ok);
    expect((await client.get(`${nginx!.httpsUrl}/json`)).json()).toEqual(ok);
  });

  it.each(['http', 'https'] as const)(
    'maps a wrong password (407) to ProxyError for an %s target, secret redacted',
    async (scheme) => {
      await using squid = await startSquid({ auth: credentials, connectPorts: [nginx!.httpsPort] });
      await using client = new HTTPClient({
        proxy: squid.urlWithCredentials(credentials.username, 'wrong-pa55'),
        tls: { ca: testCertificates().ca },
      });
      const target = scheme === 'http' ? nginx!.httpUrl : nginx!.httpsUrl;
      const err = await client.get(`${target}/json`).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ProxyError);
      expect(err).toMatchObject({ statusCode: 407, code: 'ERR_NET_PROXY' });
      expect(JSON.stringify(err) + String(err)).not.toContain('wrong-pa55');
    },
  );
});

describe.skipIf(!haveTinyproxy)('through tinyproxy', () => {
  it('forwards http:// and tunnels https:// targets, with Basic credentials', async () => {
    await using tiny = await startTinyproxy({ auth: credentials });
    await using client = new HTTPClient({
      proxy: tiny.urlWithCredentials(credentials.username, credentials.password),
      tls: { ca: testCertificates().ca },
    });
    expect((await client.get(`${nginx!.httpUrl}/json`)).json()).toEqual(ok);
    expect((await client.get(`${nginx!.httpsUrl}/json`)).json()).toEqual(ok);
  });

  it.each(['http', 'https'] as const)(
    "maps tinyproxy's 401 for a wrong password to ProxyError (%s target)",
    async (scheme) => {
      await using tiny = await startTinyproxy({ auth: credentials });
      await using client = new HTTPClient({
        proxy: tiny.urlWithCredentials(credentials.username, 'wrong-pa55'),
        tls: { ca: testCertificates().ca },
      });
      const target = scheme === 'http' ? nginx!.httpUrl : nginx!.httpsUrl;
      const err = await client.get(`${target}/json`).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ProxyError);
      expect(err).toMatchObject({ statusCode: 401 });
      expect(String(err)).not.toContain('wrong-pa55');
    },
  );

  it('without auth, a 401 from the target itself stays an HTTPError', async () => {
    await using tiny = await startTinyproxy();
    await using target = await startNginx({
      serverConfig: 'location = /private { return 401; }',
    });
    await using client = new HTTPClient({ proxy: tiny.url });
    const err = await client.get(`${target.httpUrl}/private`).catch((e: unknown) => e);
    expect(err).toMatchObject({ name: 'HTTPError', statusCode: 401 });
  });
});

describe('an unreachable (black-holed) proxy', () => {
  it.each(['http', 'https'] as const)(
    'is a ProxyError naming the proxy, phase connect, and close() leaves no socket (%s target)',
    async (scheme) => {
      await using hole = await startUnacceptingListener();
      const before = snapshotHandles();
      const client = new HTTPClient({
        proxy: `http://user:pw-s3cret@127.0.0.1:${hole.port}`,
        timeout: { attempt: 400, total: 3000 },
        maxRetries: 1,
        retry: { baseDelay: 1, maxDelay: 2 },
      });
      const err = await client.get(`${scheme}://127.0.0.1:9/`).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ProxyError);
      expect((err as Error).message).toContain(`127.0.0.1:${hole.port}`);
      expect((err as Error).message).not.toContain('pw-s3cret');
      expect((err as { cause?: unknown }).cause).toMatchObject({
        name: 'NetworkTimeoutError',
        phase: 'connect',
      });
      await client.close();
      await expectNoLeakedHandles(before);
    },
  );
});
