export { startWsServer, echo } from './ws-server.js';
export type {
  TestWsServer,
  TestWsServerOptions,
  StopOptions,
  WsConnectionHandler,
} from './ws-server.js';
export { startRawWsPeer } from './raw-peer.js';
export type { RawWsPeer, RawPeerBehavior } from './raw-peer.js';
export { startPythonWebSockets, hasPythonWebSockets, PYTHON3_PATH } from './python-websockets.js';
export type { PythonWebSocketsServer, PythonWebSocketsOptions } from './python-websockets.js';
