export { startWsServer, echo } from './ws-server.js';
export type {
  TestWsServer,
  TestWsServerOptions,
  StopOptions,
  WsConnectionHandler,
} from './ws-server.js';
export { startRawWsPeer } from './raw-peer.js';
export type { RawWsPeer, RawPeerBehavior } from './raw-peer.js';
