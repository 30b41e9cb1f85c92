export { startSshd, hasSshd, SSHD_PATH } from './sshd.js';
export type { TestSshd, TestSshdOptions } from './sshd.js';
export { generateKeyPair } from './ssh-keys.js';
export type { TestKeyPair } from './ssh-keys.js';
export { processTree, signalTree, killTree } from './process-tree.js';
export { startInProcessSshServer } from './in-process-server.js';
export type { InProcessSshServer, InProcessSshServerOptions } from './in-process-server.js';
