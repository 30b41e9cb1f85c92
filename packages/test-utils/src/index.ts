export { testCertificates } from './certificates.js';
export type { TestCertificates } from './certificates.js';
export { startHttpServer, readBody } from './http-server.js';
export type { TestHttpServer, TestHttpServerOptions, RequestHandler } from './http-server.js';
export { closedPort } from './ports.js';
export { invalidLookup } from './invalid-lookup.js';
export { snapshotHandles, leakedHandles, expectNoLeakedHandles } from './open-handles.js';
export { HandleSnapshot } from './open-handles.js';
