/** @internal A response body passed its limit; handed to `stream.destroy()`, mapped to ProtocolError. */
export class ResponseTooLarge extends Error {
  override readonly name = 'ResponseTooLarge';
  constructor(readonly limit: number) {
    super(`Response body exceeds ${limit} bytes`);
  }
}
