import { compare, report } from '../harness.js';
import { redactUrl } from '@net/errors';

/**
 * A trivial suite that proves the harness: redacting a URL with our string scanner vs
 * parsing it with WHATWG `URL` and clearing its password.
 */
export async function run(): Promise<void> {
  const url = 'https://user:pw@127.0.0.1:8443/a/b?token=abc&page=2';
  const loops = 20_000;
  const result = await compare({
    title: 'Redact a URL with credentials',
    unit: 'op',
    cases: {
      redactUrl: async () => {
        for (let i = 0; i < loops; i++) redactUrl(url);
        return loops;
      },
      'new URL + clear password': async () => {
        for (let i = 0; i < loops; i++) {
          const u = new URL(url);
          u.password = '';
          void u.href;
        }
        return loops;
      },
    },
  });
  report('harness-check', [result]);
}
