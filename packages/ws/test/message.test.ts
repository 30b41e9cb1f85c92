import { ProtocolError } from '@net/errors';
import { describe, expect, it } from 'vitest';
import { Message } from '../src/index.js';

describe('Message', () => {
  it('decodes binary payloads as UTF-8 for text() and json()', () => {
    const message = new Message(new TextEncoder().encode('{"a":"é"}'), true);
    expect(message.text()).toBe('{"a":"é"}');
    expect(message.json()).toEqual({ a: 'é' });
  });

  it('throws ProtocolError with a snippet for invalid JSON', () => {
    const message = new Message('not json', false);
    expect(() => message.json()).toThrow(ProtocolError);
    expect(() => message.json()).toThrow(
      expect.objectContaining({ code: 'ERR_NET_PROTOCOL', snippet: 'not json' }),
    );
  });
});
