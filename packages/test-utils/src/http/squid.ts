import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { closedPort } from '../ports.js';
import { hasBinary, peerDir, startPeer, type PeerProcess } from './peer-process.js';

export const SQUID_BINARY = '/usr/sbin/squid';
const NCSA_AUTH = '/usr/lib/squid/basic_ncsa_auth';

export interface SquidOptions {
  /** Require Basic proxy credentials. @default undefined (open to loopback) */
  auth?: { username: string; password: string };
  /**
   * Ports CONNECT may reach besides 443. Debian's stock policy allows CONNECT to 443 only
   * (`http_access deny CONNECT !SSL_ports`), kept here; a test tunnelling to a loopback TLS
   * server on another port lists it. @default []
   */
  connectPorts?: number[];
}

export interface SquidProxy extends PeerProcess {
  readonly port: number;
  /** `http://127.0.0.1:PORT` */
  readonly url: string;
  /** The proxy URL with credentials in it. */
  urlWithCredentials(username: string, password: string): string;
  /** squid's access log (one line per request: TCP_MISS/200, TCP_DENIED/403 …). */
  accessLog(): string;
}

export function hasSquid(): boolean {
  return hasBinary(SQUID_BINARY) && hasBinary(NCSA_AUTH);
}

/** Starts squid as a forward proxy on loopback with Debian's stock access policy, no cache. */
export async function startSquid(options: SquidOptions = {}): Promise<SquidProxy> {
  const dir = peerDir('squid');
  const port = await closedPort();
  let auth = '';
  if (options.auth) {
    const hash = execFileSync('openssl', ['passwd', '-apr1', options.auth.password], {
      encoding: 'utf8',
    }).trim();
    writeFileSync(join(dir, 'passwd'), `${options.auth.username}:${hash}\n`, { mode: 0o644 });
    auth = `auth_param basic program ${NCSA_AUTH} ${dir}/passwd
auth_param basic realm test
acl authenticated proxy_auth REQUIRED
http_access deny !authenticated`;
  }
  const config = `
http_port 127.0.0.1:${port}
pid_filename ${dir}/squid.pid
cache_log ${dir}/cache.log
access_log stdio:${dir}/access.log
cache_store_log none
cache deny all
coredump_dir ${dir}
pinger_enable off
shutdown_lifetime 0 seconds
dns_nameservers 127.0.0.1
dns_v4_first on
acl SSL_ports port 443 ${(options.connectPorts ?? []).join(' ')}
acl Safe_ports port 80 443 1025-65535
acl CONNECT method CONNECT
http_access deny !Safe_ports
http_access deny CONNECT !SSL_ports
${auth}
http_access allow localhost
http_access deny all
`;
  writeFileSync(join(dir, 'squid.conf'), config);
  const peer = await startPeer('squid', SQUID_BINARY, ['-N', '-f', join(dir, 'squid.conf')], dir, [
    port,
  ]);
  return Object.assign(peer, {
    port,
    url: `http://127.0.0.1:${port}`,
    urlWithCredentials: (username: string, password: string) =>
      `http://${encodeURIComponent(username)}:${encodeURIComponent(password)}@127.0.0.1:${port}`,
    accessLog: () => peer.log('access.log'),
  });
}
