import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import type { Socket } from 'node:net';
import { HttpProxyAgent, HttpsProxyAgent } from 'hpagent';
import http2wrapper from 'http2-wrapper';
import { proxyFor, type ResolvedProxy } from './proxy-config.js';

/** Marks an error raised while reaching a proxy, so it maps to ProxyError and not the target's error. */
export const PROXY_FAILURE = Symbol('proxyFailure');

export interface ProxyFailure {
  proxyUrl: URL;
  /** The proxy's answer to CONNECT, when it answered. */
  statusCode: number | undefined;
}

type ConnectCallback = (err: Error | null, socket: Socket | null) => void;
type CreateConnection = (options: unknown, callback: ConnectCallback) => void;

/**
 * hpagent reports a refused CONNECT as `Error('Bad response: 407')` and a dead proxy as the
 * socket's own ECONNREFUSED: both arrive through `createConnection`'s callback, which is the
 * one place where "the proxy failed" is still known. Tag them there.
 */
function tagProxyErrors<A extends { createConnection: CreateConnection }>(
  agent: A,
  proxyUrl: URL,
): A {
  const original = agent.createConnection.bind(agent);
  agent.createConnection = (options, callback) => {
    original(options, (err, socket) => {
      if (err) {
        const status = /Bad response: (\d{3})/.exec(err.message);
        const failure: ProxyFailure = {
          proxyUrl,
          statusCode: status ? Number(status[1]) : undefined,
        };
        Object.defineProperty(err, PROXY_FAILURE, { value: failure, enumerable: false });
      }
      callback(err, socket);
    });
  };
  return agent;
}

export interface AgentSet {
  http: HttpAgent;
  https: HttpsAgent;
  http2?: unknown;
}

/**
 * The sockets a client owns: keep-alive agents for direct connections, one pair per proxy, and
 * an HTTP/2 session pool when HTTP/2 is on. `destroy()` ends every one of them.
 */
export class AgentPool {
  readonly direct: AgentSet;
  private readonly proxied = new Map<string, AgentSet>();
  private readonly agentOptions: { keepAlive: true; maxSockets: number; scheduling: 'lifo' };

  constructor(
    private readonly proxy: ResolvedProxy | undefined,
    maxSockets: number,
    http2: boolean,
  ) {
    this.agentOptions = { keepAlive: true, maxSockets, scheduling: 'lifo' };
    this.direct = {
      http: new HttpAgent(this.agentOptions),
      https: new HttpsAgent(this.agentOptions),
      http2: http2 ? new http2wrapper.Agent() : undefined,
    };
  }

  /** Whether any request may go through a proxy. */
  get hasProxy(): boolean {
    return this.proxy !== undefined;
  }

  /** The proxy URL for `url` (undefined when direct), chosen by protocol and NO_PROXY. */
  proxyFor(url: URL): URL | undefined {
    return this.proxy ? proxyFor(this.proxy, url) : undefined;
  }

  /** The agents for requests through `proxyUrl`, created on first use. */
  forProxy(proxyUrl: URL): AgentSet {
    const key = proxyUrl.href;
    let set = this.proxied.get(key);
    if (!set) {
      const options = { ...this.agentOptions, proxy: proxyUrl };
      set = {
        http: tagProxyErrors(
          new HttpProxyAgent(options) as unknown as HttpAgent & {
            createConnection: CreateConnection;
          },
          proxyUrl,
        ),
        https: tagProxyErrors(
          new HttpsProxyAgent(options) as unknown as HttpsAgent & {
            createConnection: CreateConnection;
          },
          proxyUrl,
        ),
      };
      this.proxied.set(key, set);
    }
    return set;
  }

  /** Closes every socket and session, idle or busy. */
  destroy(): void {
    for (const set of [this.direct, ...this.proxied.values()]) {
      set.http.destroy();
      set.https.destroy();
      (set.http2 as { destroy(): void } | undefined)?.destroy();
    }
    this.proxied.clear();
  }
}
