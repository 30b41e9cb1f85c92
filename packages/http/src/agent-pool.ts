import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import http2wrapper from 'http2-wrapper';
import { watchGoaway } from './http2-sessions.js';
import { proxyFor, type ResolvedProxy } from './proxy-config.js';
import { ForwardProxyAgent, TunnelProxyAgent } from './proxy-agents.js';

/** @internal */
export interface AgentSet {
  http: HttpAgent;
  https: HttpsAgent;
  http2?: unknown;
}

/**
 * @internal
 * The sockets a client owns: keep-alive agents for direct connections, one pair per proxy, and
 * an HTTP/2 session pool when HTTP/2 is on. `destroy()` ends every one of them, in any state.
 */
export class AgentPool {
  readonly direct: AgentSet;
  private readonly proxied = new Map<string, AgentSet>();
  private readonly agentOptions: { keepAlive: true; maxSockets: number; scheduling: 'lifo' };

  constructor(
    private readonly proxy: ResolvedProxy | undefined,
    maxSockets: number,
    http2: boolean,
    /** Bounds reaching a proxy (ms, Infinity for none). */
    private readonly proxyConnectTimeout: number,
  ) {
    this.agentOptions = { keepAlive: true, maxSockets, scheduling: 'lifo' };
    let h2: unknown;
    if (http2) {
      const agent = new http2wrapper.Agent();
      watchGoaway(agent);
      h2 = agent;
    }
    this.direct = {
      http: new HttpAgent(this.agentOptions),
      https: new HttpsAgent(this.agentOptions),
      http2: h2,
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
    if (set === undefined) {
      set = {
        http: new ForwardProxyAgent(proxyUrl, this.agentOptions, this.proxyConnectTimeout),
        https: new TunnelProxyAgent(proxyUrl, this.agentOptions, this.proxyConnectTimeout),
      };
      this.proxied.set(key, set);
    }
    return set;
  }

  /** Closes every socket and session, idle, busy or still connecting. */
  destroy(): void {
    for (const set of [this.direct, ...this.proxied.values()]) {
      set.http.destroy();
      set.https.destroy();
      (set.http2 as { destroy(): void } | undefined)?.destroy();
    }
    this.proxied.clear();
  }
}
