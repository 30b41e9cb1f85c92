export { main, buildProgram } from './main.js';
export type { CommandContext, Io } from './main.js';
export { ExitCode } from './exit-codes.js';
export { exitCodeFor } from './exit-code-for.js';
export type { ExitCodeValue } from './exit-codes.js';
export { formatError } from './report-error.js';
