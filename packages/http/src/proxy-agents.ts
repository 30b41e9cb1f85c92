/**
 * Agents that reach targets through an HTTP proxy, as curl and browsers do: `http://` targets
 * are sent to the proxy in absolute form (`GET http://host/path HTTP/1.1`, RFC 9112 §3.2.2),
 * `https://` targets through a CONNECT tunnel. Forwarding plain HTTP matters: stock squid
 * refuses CONNECT to any port but 443.
 *
 * Both agents mark every failure to reach or pass the proxy with {@link PROXY_FAILURE}, so it
 * maps to ProxyError naming the proxy rather than an error naming the target, and both track
 * the connections they are still opening so `destroy()` ends them too (a tunnel to a
 * black-holed proxy would otherwise outlive the client).
 */
import { Agent as HttpAgent, request as httpRequest, type ClientRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { isIP, connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { formatHostPort } from '@net/errors/internal';

/** @internal Marks an error raised while reaching a proxy (a non-enumerable property holding a {@link ProxyFailure}). */
export const PROXY_FAILURE = Symbol('proxyFailure');

/** @internal */
export interface ProxyFailure {
  proxyUrl: URL;
  /** The proxy's refusal status (to CONNECT, or a 407 to a forwarded request), when it answered. */
  statusCode: number | undefined;
}

type ConnectCallback = (err: Error | null, socket?: Socket) => void;
interface ConnectOptions {
  host?: string;
  port?: number | string;
  servername?: string;
  [key: string]: unknown;
}

/** @internal Tags `err` as a failure of the proxy at `proxyUrl`. */
export function markProxyFailure<E extends object>(err: E, proxyUrl: URL, statusCode?: number): E {
  if (!(PROXY_FAILURE in err)) {
    const failure: ProxyFailure = { proxyUrl, statusCode };
    Object.defineProperty(err, PROXY_FAILURE, { value: failure, enumerable: false });
  }
  return err;
}

/** The `Proxy-Authorization` value for the userinfo of `proxyUrl`, if any. */
function proxyAuthorization(proxyUrl: URL): string | undefined {
  if (!proxyUrl.username && !proxyUrl.password) return undefined;
  const user = decodeURIComponent(proxyUrl.username);
  const pass = decodeURIComponent(proxyUrl.password);
  return `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;
}

function proxyPort(proxyUrl: URL): number {
  return proxyUrl.port ? Number(proxyUrl.port) : proxyUrl.protocol === 'https:' ? 443 : 80;
}

function proxyHost(proxyUrl: URL): string {
  return proxyUrl.hostname.replace(/^\[|\]$/g, '');
}

/** A connection-phase timer: destroys `socket` when it has not connected within `ms`. */
function limitConnect(socket: Socket, ms: number, proxyUrl: URL): void {
  if (!Number.isFinite(ms)) return;
  const timer = setTimeout(() => {
    const err = Object.assign(new Error(`Proxy connect timed out after ${ms} ms`), {
      code: 'ETIMEDOUT',
      proxyConnectTimeout: ms,
    });
    socket.destroy(markProxyFailure(err, proxyUrl));
  }, ms);
  const done = () => clearTimeout(timer);
  socket.once('connect', done);
  socket.once('secureConnect', done);
  socket.once('close', done);
}

/** Opens the TCP (or TLS, for an https proxy) connection to the proxy itself. */
function connectToProxy(proxyUrl: URL, connectTimeout: number): Socket {
  const host = proxyHost(proxyUrl);
  const port = proxyPort(proxyUrl);
  const socket =
    proxyUrl.protocol === 'https:'
      ? tlsConnect({ host, port, servername: host, ALPNProtocols: ['http/1.1'] })
      : netConnect({ host, port });
  limitConnect(socket, connectTimeout, proxyUrl);
  // Errors before the proxy accepted us are the proxy's; later ones belong to the exchange.
  const onError = (err: Error) => void markProxyFailure(err, proxyUrl);
  socket.once('error', onError);
  socket.once(proxyUrl.protocol === 'https:' ? 'secureConnect' : 'connect', () =>
    socket.removeListener('error', onError),
  );
  return socket;
}

/**
 * Node's agents open connections through `createConnection(options, callback)`, which may return
 * the socket or hand it to the callback later; @types/node declares a narrower signature.
 */
function replaceCreateConnection(
  agent: HttpAgent,
  open: (options: ConnectOptions, callback: ConnectCallback) => Socket | undefined,
): void {
  (agent as unknown as { createConnection: typeof open }).createConnection = open;
}

/** TLS to the target inside an established tunnel, as https.Agent would open it on a socket. */
const tlsOverTunnel = (options: ConnectOptions & { socket: Socket }): Socket => {
  const { host, servername, ...rest } = options;
  const name = servername ?? (host && !isIP(host) ? host : undefined);
  return tlsConnect({
    ...(rest as object),
    socket: options.socket,
    ...(name ? { servername: name } : {}),
  });
};

/** @internal Sends `http://` requests to the proxy in absolute form over keep-alive connections to it. */
export class ForwardProxyAgent extends HttpAgent {
  private readonly authorization: string | undefined;

  constructor(
    readonly proxyUrl: URL,
    options: ConstructorParameters<typeof HttpAgent>[0],
    private readonly connectTimeout: number,
  ) {
    super(options);
    this.authorization = proxyAuthorization(proxyUrl);
    replaceCreateConnection(this, () => this.openConnection());
  }

  /** Node's Agent hook, called before the request head is written: rewrite its target. */
  addRequest(request: ClientRequest, options: ConnectOptions): void {
    request.path = `http://${formatHostPort(String(options.host ?? 'localhost'), options.port ?? 80)}${request.path}`;
    if (this.authorization !== undefined)
      request.setHeader('proxy-authorization', this.authorization);
    (
      HttpAgent.prototype as unknown as { addRequest: (r: ClientRequest, o: unknown) => void }
    ).addRequest.call(this, request, options);
  }

  /** Node's Agent asks for a connection: open one to the proxy. */
  private openConnection(): Socket {
    return connectToProxy(this.proxyUrl, this.connectTimeout);
  }
}

/** @internal Opens `https://` connections through a CONNECT tunnel, then TLS to the target inside it. */
export class TunnelProxyAgent extends HttpsAgent {
  private readonly authorization: string | undefined;
  /** CONNECTs not yet answered, so `destroy()` can end them. */
  private readonly pending = new Set<ClientRequest>();
  private destroyed = false;

  constructor(
    readonly proxyUrl: URL,
    options: ConstructorParameters<typeof HttpsAgent>[0],
    private readonly connectTimeout: number,
  ) {
    super(options);
    this.authorization = proxyAuthorization(proxyUrl);
    replaceCreateConnection(this, (o, cb) => this.openTunnel(o, cb));
  }

  /** Node's Agent asks for a connection: CONNECT through the proxy, then TLS inside. */
  private openTunnel(options: ConnectOptions, callback: ConnectCallback): undefined {
    const proxyUrl = this.proxyUrl;
    if (this.destroyed) {
      callback(markProxyFailure(new Error('Agent destroyed'), proxyUrl));
      return undefined;
    }
    const target = formatHostPort(String(options.host ?? 'localhost'), options.port ?? 443);
    const headers: Record<string, string> = { host: target };
    if (this.authorization !== undefined) headers['proxy-authorization'] = this.authorization;
    const connect = proxyUrl.protocol === 'https:' ? httpsRequest : httpRequest;
    const request = connect({
      method: 'CONNECT',
      host: proxyHost(proxyUrl),
      port: proxyPort(proxyUrl),
      path: target,
      headers,
      setHost: false,
      agent: false,
      ...(proxyUrl.protocol === 'https:' ? { servername: proxyHost(proxyUrl) } : {}),
    });
    this.pending.add(request);
    let answered = false;
    const finish = (err: Error | null, socket?: Socket) => {
      if (answered) return;
      answered = true;
      this.pending.delete(request);
      callback(err, socket);
    };
    request.once('socket', (socket: Socket) => limitConnect(socket, this.connectTimeout, proxyUrl));
    request.once('connect', (response, socket: Socket) => {
      request.removeAllListeners();
      if (response.statusCode !== 200) {
        socket.destroy();
        const err = new Error(`Proxy refused CONNECT with status ${response.statusCode}`);
        finish(markProxyFailure(err, proxyUrl, response.statusCode));
        return;
      }
      socket.removeAllListeners();
      finish(null, tlsOverTunnel({ ...options, socket }));
    });
    request.once('error', (err) => finish(markProxyFailure(err, proxyUrl)));
    request.once('close', () =>
      finish(markProxyFailure(new Error('Proxy closed the connection during CONNECT'), proxyUrl)),
    );
    request.end();
    return undefined;
  }

  override destroy(): void {
    this.destroyed = true;
    for (const request of this.pending) request.destroy();
    this.pending.clear();
    super.destroy();
  }
}
