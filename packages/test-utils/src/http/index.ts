export { startProxyServer } from './proxy-server.js';
export type { TestProxyServer, TestProxyOptions } from './proxy-server.js';
export { startMisbehavingServer } from './misbehaving-server.js';
export type { MisbehavingServer, Misbehaviour } from './misbehaving-server.js';
export { startHttp2Server } from './http2-server.js';
export type { TestHttp2Server, Http2Handler } from './http2-server.js';
export { startUnacceptingListener } from './unaccepting-listener.js';
export type { UnacceptingListener } from './unaccepting-listener.js';
