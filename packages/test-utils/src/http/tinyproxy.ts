import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { closedPort } from '../ports.js';
import { hasBinary, peerDir, startPeer, type PeerProcess } from './peer-process.js';

export const TINYPROXY_BINARY = '/usr/bin/tinyproxy';

export interface TinyproxyOptions {
  /** Require Basic proxy credentials (tinyproxy answers a wrong password with 401). @default undefined */
  auth?: { username: string; password: string };
}

export interface Tinyproxy extends PeerProcess {
  readonly port: number;
  /** `http://127.0.0.1:PORT` */
  readonly url: string;
  urlWithCredentials(username: string, password: string): string;
}

export function hasTinyproxy(): boolean {
  return hasBinary(TINYPROXY_BINARY);
}

/** Starts tinyproxy on loopback in the foreground, as an unprivileged user. */
export async function startTinyproxy(options: TinyproxyOptions = {}): Promise<Tinyproxy> {
  const dir = peerDir('tinyproxy');
  const port = await closedPort();
  const config = `
User nobody
Group nogroup
Port ${port}
Listen 127.0.0.1
Timeout 60
PidFile "${dir}/tinyproxy.pid"
LogFile "${dir}/tinyproxy.log"
LogLevel Info
MaxClients 200
Allow 127.0.0.1
DisableViaHeader Yes
${options.auth ? `BasicAuth ${options.auth.username} ${options.auth.password}` : ''}
`;
  writeFileSync(join(dir, 'tinyproxy.conf'), config);
  const peer = await startPeer(
    'tinyproxy',
    TINYPROXY_BINARY,
    ['-d', '-c', join(dir, 'tinyproxy.conf')],
    dir,
    [port],
  );
  return Object.assign(peer, {
    port,
    url: `http://127.0.0.1:${port}`,
    urlWithCredentials: (username: string, password: string) =>
      `http://${encodeURIComponent(username)}:${encodeURIComponent(password)}@127.0.0.1:${port}`,
  });
}
