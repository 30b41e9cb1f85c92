import { checkOptionKeys, invalidArgType, invalidArgValue } from '@net/errors/internal';

/** Explicit proxy settings. */
export interface ProxyOptions {
  /** Proxy for `http:` targets. @default undefined */
  http?: string | URL;
  /** Proxy for `https:` targets. @default undefined */
  https?: string | URL;
  /**
   * Hosts reached directly, as in NO_PROXY: `example.com` (and its subdomains), `.example.com`,
   * `host:port`, an IP, or `*` for all. @default []
   */
  noProxy?: string | string[];
}

const PROXY_KEYS = ['http', 'https', 'noProxy'];

interface NoProxyRule {
  host: string;
  port: string | undefined;
}

/** @internal The proxy settings of a client, parsed once. */
export interface ResolvedProxy {
  http: URL | undefined;
  https: URL | undefined;
  noProxy: NoProxyRule[];
  all: boolean;
}

function parseProxyUrl(name: string, value: string | URL): URL {
  let url: URL;
  try {
    url = new URL(String(value));
  } catch {
    // The value may hold credentials: never echo it.
    throw invalidArgValue(name, 'It must be an absolute http(s) proxy URL.');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw invalidArgValue(name, 'It must be an absolute http(s) proxy URL.');
  }
  return url;
}

function parseNoProxy(value: string | string[] | undefined): {
  rules: NoProxyRule[];
  all: boolean;
} {
  const entries = (Array.isArray(value) ? value : (value ?? '').split(/[\s,]+/))
    .map((e) => e.trim().toLowerCase())
    .filter(Boolean);
  const rules: NoProxyRule[] = [];
  let all = false;
  for (const entry of entries) {
    if (entry === '*') {
      all = true;
      continue;
    }
    // `[::1]:8080`, `::1`, `host:port`, `.domain`, `*.domain`
    const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(entry);
    if (bracketed) {
      rules.push({ host: bracketed[1]!, port: bracketed[2] });
      continue;
    }
    const colons = entry.split(':').length - 1;
    if (colons === 1) {
      const [host, port] = entry.split(':');
      rules.push({ host: host!.replace(/^\*?\./, ''), port });
    } else {
      rules.push({ host: entry.replace(/^\*?\./, ''), port: undefined });
    }
  }
  return { rules, all };
}

function envValue(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const value = env[name.toLowerCase()] ?? env[name];
  return value === undefined || value === '' ? undefined : value;
}

/**
 * @internal
 * Reads the proxy setting once: the explicit option, or HTTP_PROXY / HTTPS_PROXY / NO_PROXY
 * (lower case wins, as in curl). Returns undefined when no proxy applies at all.
 */
export function resolveProxy(
  option: string | URL | ProxyOptions | false | undefined,
  env: NodeJS.ProcessEnv,
): ResolvedProxy | undefined {
  if (option === false) return undefined;
  let http: URL | undefined;
  let https: URL | undefined;
  let noProxy: string | string[] | undefined;
  if (option === undefined) {
    const httpEnv = envValue(env, 'HTTP_PROXY');
    const httpsEnv = envValue(env, 'HTTPS_PROXY');
    http = httpEnv === undefined ? undefined : parseProxyUrl('HTTP_PROXY', httpEnv);
    https = httpsEnv === undefined ? undefined : parseProxyUrl('HTTPS_PROXY', httpsEnv);
    noProxy = envValue(env, 'NO_PROXY');
  } else if (typeof option === 'string' || option instanceof URL) {
    http = https = parseProxyUrl('proxy', option);
  } else if (typeof option === 'object' && option !== null) {
    checkOptionKeys('proxy', option, PROXY_KEYS);
    http = option.http === undefined ? undefined : parseProxyUrl('proxy.http', option.http);
    https = option.https === undefined ? undefined : parseProxyUrl('proxy.https', option.https);
    noProxy = option.noProxy;
  } else {
    throw invalidArgType('proxy', 'a URL, an object or false', option);
  }
  if (!http && !https) return undefined;
  const parsed = parseNoProxy(noProxy);
  if (parsed.all) return undefined;
  return { http, https, noProxy: parsed.rules, all: false };
}

/** @internal The proxy for `url`, or undefined to connect directly. */
export function proxyFor(proxy: ResolvedProxy, url: URL): URL | undefined {
  const target = url.protocol === 'https:' ? proxy.https : proxy.http;
  if (!target || proxy.noProxy.length === 0) return target;
  const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  const port = url.port || (url.protocol === 'https:' ? '443' : '80');
  for (const rule of proxy.noProxy) {
    if (rule.port !== undefined && rule.port !== port) continue;
    if (host === rule.host || host.endsWith(`.${rule.host}`)) return undefined;
  }
  return target;
}
