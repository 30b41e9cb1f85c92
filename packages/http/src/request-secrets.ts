import { isSecretKey } from '@net/errors/internal';

function add(out: Set<string>, value: string | undefined): void {
  if (value) out.add(value);
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

function addCredentialHeader(out: Set<string>, name: string, value: string): void {
  add(out, value);
  if (name === 'cookie') {
    for (const pair of value.split(';')) add(out, pair.split('=').slice(1).join('=').trim());
    return;
  }
  // `Basic dXNlcjpwYXNz`, `Bearer abc`: the credential, and for Basic what it encodes.
  const space = value.indexOf(' ');
  if (space === -1) return;
  const credential = value.slice(space + 1).trim();
  add(out, credential);
  if (/^basic$/i.test(value.slice(0, space))) {
    const decoded = Buffer.from(credential, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon !== -1) add(out, decoded.slice(colon + 1));
  }
}

/**
 * @internal
 * The exact secret values a request carries: credential headers (client and call), URL
 * userinfo, credential-like query values and the proxy's userinfo. Computed only on the error
 * path, where a response that echoes them must be scrubbed.
 */
export function collectSecrets(
  headers: Array<Readonly<Record<string, string>>>,
  href: string,
  proxyUrls: Array<URL | undefined>,
): string[] {
  const out = new Set<string>();
  for (const bag of headers) {
    for (const [name, value] of Object.entries(bag)) {
      if (isSecretKey(name)) addCredentialHeader(out, name.toLowerCase(), value);
    }
  }
  let url: URL | undefined;
  try {
    url = new URL(href);
  } catch {
    url = undefined;
  }
  for (const u of [url, ...proxyUrls]) {
    if (!u) continue;
    add(out, safeDecode(u.password));
    if (u.password) add(out, safeDecode(u.username));
    for (const [key, value] of u.searchParams) if (isSecretKey(key)) add(out, value);
  }
  return [...out];
}
