export { main, buildProgram } from './main.js';
export type { CommandContext, Io } from './main.js';
export { ExitCode, exitCodeFor } from './exit-codes.js';
export type { ExitCodeValue } from './exit-codes.js';
export { formatError } from './report-error.js';
