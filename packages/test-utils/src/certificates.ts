import { issueCertificate } from './certificate-builder.js';

/** A throwaway CA and a server certificate it signed, for 127.0.0.1, ::1 and localhost. */
export interface TestCertificates {
  /** The CA certificate (PEM): pass as `ca` to trust the server. */
  ca: string;
  /** The server certificate (PEM), signed by `ca`. */
  cert: string;
  /** The server's private key (PEM). */
  key: string;
  /** A self-signed certificate and key, signed by nobody. */
  selfSigned: { cert: string; key: string };
}

let cached: TestCertificates | undefined;

const LOOPBACK_NAMES = ['127.0.0.1', '::1', 'localhost'];

/**
 * Generates RSA-2048 certificates at run time with node:crypto, once per process and valid for
 * seven days: nothing is committed or shipped, so no key can go stale or leak, and no `openssl`
 * binary is needed (`net demo` runs on machines without one).
 */
export function testCertificates(): TestCertificates {
  if (cached) return cached;
  const ca = issueCertificate({ commonName: '@net test CA', isCA: true });
  const server = issueCertificate({
    commonName: 'localhost',
    altNames: LOOPBACK_NAMES,
    issuer: { commonName: '@net test CA', key: ca.privateKey, publicKey: ca.publicKey },
  });
  const selfSigned = issueCertificate({ commonName: 'localhost', altNames: LOOPBACK_NAMES });
  cached = {
    ca: ca.cert,
    cert: server.cert,
    key: server.key,
    selfSigned: { cert: selfSigned.cert, key: selfSigned.key },
  };
  return cached;
}
