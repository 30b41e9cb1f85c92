export { startTcpPeer } from './tcp-peers.js';
export type { TcpPeer, TcpPeerBehaviour, TcpPeerOptions } from './tcp-peers.js';
export { startUdpEcho } from './udp-peers.js';
export type { UdpPeer, UdpPeerOptions } from './udp-peers.js';
export {
  FIXTURE_PORT_RANGE,
  pickPorts,
  listenOn,
  startBlackhole,
  nmapScan,
  hasNmap,
} from './scan-fixtures.js';
export type { FixedListener } from './scan-fixtures.js';
export { hasCommand, runPeerClient, startListeningPeer } from './peer-processes.js';
export type { ListeningPeer } from './peer-processes.js';
export {
  inPrivateNamespace,
  mostlyDeadSubnet,
  nmapStates,
  octetRange,
  setUpSubnetLab,
} from './subnet-lab.js';
export type { NmapHost, SubnetLab, SubnetLabConfig } from './subnet-lab.js';
