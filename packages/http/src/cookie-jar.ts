/**
 * The part of a cookie jar the client uses: the shape of tough-cookie's `CookieJar` (whose
 * methods return promises when called without a callback), so a user passes one as they would
 * to got. Declared here so our types do not depend on tough-cookie's.
 */
export interface CookieJar {
  /** The `Cookie` header value for `url` (empty when none match). */
  getCookieString(url: string): Promise<string>;
  /** Stores one `Set-Cookie` value received from `url`. */
  setCookie(rawCookie: string, url: string): Promise<unknown>;
}
