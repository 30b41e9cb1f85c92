import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

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

function openssl(cwd: string, args: string[]): void {
  execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
}

/**
 * Generates certificates at run time with the `openssl` binary (present on Debian), once per
 * process. Nothing is committed to the repository, so no key can go stale or leak.
 */
export function testCertificates(): TestCertificates {
  if (cached) return cached;
  const dir = mkdtempSync(join(tmpdir(), 'net-certs-'));
  try {
    const san = 'subjectAltName=IP:127.0.0.1,IP:::1,DNS:localhost';
    writeFileSync(join(dir, 'ext.cnf'), `${san}\nbasicConstraints=CA:FALSE\n`);
    openssl(dir, [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      'ca.key',
      '-out',
      'ca.crt',
      '-days',
      '2',
      '-subj',
      '/CN=@net test CA',
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-addext',
      'keyUsage=critical,keyCertSign,cRLSign',
    ]);
    openssl(dir, [
      'req',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      'server.key',
      '-out',
      'server.csr',
      '-subj',
      '/CN=localhost',
    ]);
    openssl(dir, [
      'x509',
      '-req',
      '-in',
      'server.csr',
      '-CA',
      'ca.crt',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-out',
      'server.crt',
      '-days',
      '2',
      '-extfile',
      'ext.cnf',
    ]);
    openssl(dir, [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      'self.key',
      '-out',
      'self.crt',
      '-days',
      '2',
      '-subj',
      '/CN=localhost',
      '-addext',
      san,
    ]);
    const read = (name: string) => readFileSync(join(dir, name), 'utf8');
    cached = {
      ca: read('ca.crt'),
      cert: read('server.crt'),
      key: read('server.key'),
      selfSigned: { cert: read('self.crt'), key: read('self.key') },
    };
    return cached;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
