import { X509Certificate } from 'node:crypto';
import { request } from 'node:https';
import { describe, expect, it } from 'vitest';
import { startHttpServer, testCertificates } from '../src/index.js';

describe('testCertificates (node:crypto only, no openssl binary)', () => {
  it('issues a CA and a server certificate for 127.0.0.1, ::1 and localhost that the CA signed', () => {
    const certs = testCertificates();
    const ca = new X509Certificate(certs.ca);
    const leaf = new X509Certificate(certs.cert);
    expect(ca.ca).toBe(true);
    expect(leaf.ca).toBe(false);
    expect(leaf.checkIssued(ca)).toBe(true);
    expect(leaf.verify(ca.publicKey)).toBe(true);
    expect(leaf.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(leaf.checkIP('::1')).toBe('::1');
    expect(leaf.checkHost('localhost')).toBe('localhost');
    expect(leaf.checkHost('example.com')).toBeUndefined();
    expect(new Date(leaf.validTo).getTime()).toBeGreaterThan(Date.now() + 86_400_000);
    const self = new X509Certificate(certs.selfSigned.cert);
    expect(self.verify(self.publicKey)).toBe(true);
    expect(self.checkIssued(ca)).toBe(false);
  });

  it('is refused by TLS without the CA and as self-signed, accepted with it', async () => {
    await using signed = await startHttpServer(undefined, { tls: true });
    await using self = await startHttpServer(undefined, { tls: 'self-signed' });
    const get = (url: string, ca?: string) =>
      new Promise<string>((resolve) => {
        const req = request(url, { agent: false, ...(ca ? { ca } : {}) }, (res) => {
          res.resume();
          res.on('end', () => resolve(String(res.statusCode)));
        });
        req.on('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message));
        req.end();
      });
    expect(await get(signed.url, testCertificates().ca)).toBe('200');
    expect(await get(signed.url)).toBe('UNABLE_TO_VERIFY_LEAF_SIGNATURE');
    expect(await get(self.url)).toBe('DEPTH_ZERO_SELF_SIGNED_CERT');
    expect(
      await get(self.url.replace('127.0.0.1', 'localhost'), testCertificates().selfSigned.cert),
    ).toBe('200');
  });
});
