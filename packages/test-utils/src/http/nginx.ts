import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { testCertificates } from '../certificates.js';
import { closedPort } from '../ports.js';
import { hasBinary, peerDir, startPeer, type PeerProcess } from './peer-process.js';

export const NGINX_BINARY = '/usr/sbin/nginx';

export interface NginxOptions {
  /** `keepalive_requests`: after this many requests nginx closes the connection (GOAWAY on HTTP/2). @default 1000 */
  keepaliveRequests?: number;
  /** Files under the document root, by path (e.g. `{ 'big.bin': buffer }`). @default {} */
  files?: Record<string, string | Buffer>;
  /** More directives inside the `server` block (locations), with `{http}`/`{https}` replaced by the ports. @default '' */
  serverConfig?: string;
  /** The loopback address to listen on. @default '127.0.0.1' */
  host?: string;
  /** Fixed ports (e.g. 80 and 443, as root, for default-port tests). @default free ports */
  httpPort?: number;
  httpsPort?: number;
}

/** nginx on loopback: HTTP/1.1 on `httpUrl`, HTTP/1.1 and HTTP/2 over TLS on `httpsUrl`. */
export interface NginxServer extends PeerProcess {
  readonly httpPort: number;
  readonly httpsPort: number;
  /** `http://HOST:PORT` (no port when 80) */
  readonly httpUrl: string;
  /** `https://HOST:PORT` (no port when 443); certificate from `testCertificates()` (trust its `ca`). */
  readonly httpsUrl: string;
}

export function hasNginx(): boolean {
  return hasBinary(NGINX_BINARY);
}

/**
 * Starts nginx with a config in a temp dir. Built-in locations: `/json` (small JSON, gzip on
 * request), `/status/503` (`return 503`), `/echo` (the method and the credentials the request
 * carried, as JSON — an "echoing" page), `/redirect?to=URL` (302 to `to`), `/to-http` and
 * `/to-https` (302 to the same path on the other scheme), and static files under `/`.
 */
export async function startNginx(options: NginxOptions = {}): Promise<NginxServer> {
  const dir = peerDir('nginx');
  const host = options.host ?? '127.0.0.1';
  const httpPort = options.httpPort ?? (await closedPort());
  const httpsPort = options.httpsPort ?? (await closedPort());
  const origin = (scheme: string, port: number, fallback: number) =>
    `${scheme}://${host}${port === fallback ? '' : `:${port}`}`;
  const httpUrl = origin('http', httpPort, 80);
  const httpsUrl = origin('https', httpsPort, 443);
  const certs = testCertificates();
  writeFileSync(join(dir, 'cert.pem'), certs.cert);
  writeFileSync(join(dir, 'key.pem'), certs.key);
  mkdirSync(join(dir, 'www'));
  for (const [path, data] of Object.entries(options.files ?? {})) {
    const file = join(dir, 'www', path);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, data);
  }
  const extra = (options.serverConfig ?? '')
    .replaceAll('{http}', String(httpPort))
    .replaceAll('{https}', String(httpsPort));
  const config = `
daemon off;
master_process off;
worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 2048; }
http {
  access_log off;
  client_body_temp_path ${dir}/client_body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  default_type application/octet-stream;
  keepalive_requests ${options.keepaliveRequests ?? 1000};
  gzip on;
  gzip_min_length 0;
  gzip_types application/json text/plain;
  server {
    listen ${host}:${httpPort};
    listen ${host}:${httpsPort} ssl http2;
    ssl_certificate ${dir}/cert.pem;
    ssl_certificate_key ${dir}/key.pem;
    root ${dir}/www;
    client_max_body_size 16m;
    location = /json { default_type application/json; return 200 '{"ok":true,"server":"nginx"}'; }
    location = /status/503 { return 503; }
    location = /echo {
      default_type application/json;
      return 500 '{"method":"$request_method","scheme":"$scheme","authorization":"$http_authorization","cookie":"$http_cookie","apiKey":"$http_x_api_key"}';
    }
    location = /redirect { return 302 $arg_to; }
    location = /to-http { return 302 ${httpUrl}/echo; }
    location = /to-https { return 302 ${httpsUrl}/echo; }
    ${extra}
  }
}
`;
  writeFileSync(join(dir, 'nginx.conf'), config);
  const peer = await startPeer(
    'nginx',
    NGINX_BINARY,
    ['-p', dir, '-c', join(dir, 'nginx.conf')],
    dir,
    [httpPort, httpsPort],
    host,
  );
  return Object.assign(peer, {
    httpPort,
    httpsPort,
    httpUrl,
    httpsUrl,
  });
}
