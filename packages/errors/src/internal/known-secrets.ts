import { REDACTED } from '../redact.js';

/**
 * Replaces every occurrence of the exact secret values a caller sent (a password, a token, a
 * cookie value, an Authorization header) in `text`, also in their common encodings (URL-encoded
 * and base64 as in Basic credentials). A server that echoes the request in an error page can
 * then not hand them back into a log. Values shorter than 4 characters are skipped: replacing
 * them would shred ordinary text without protecting anything.
 */
export function redactKnownSecrets(text: string, secrets: Iterable<string>): string {
  const variants = new Set<string>();
  for (const secret of secrets) {
    if (secret.length < 4) continue;
    variants.add(secret);
    variants.add(encodeURIComponent(secret));
    variants.add(Buffer.from(secret).toString('base64').replace(/=+$/, ''));
  }
  // Longest first, so a value containing another is replaced whole.
  let result = text;
  for (const variant of [...variants].sort((a, b) => b.length - a.length)) {
    if (variant.length < 4) continue;
    result = result.split(variant).join(REDACTED);
  }
  return result;
}
