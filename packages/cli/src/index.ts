// The programmatic entry of @net/cli: run `net` in-process (tests, wrappers) and read its exit
// codes. The command tree itself (commander) stays internal, so no third-party type is public.
export { main } from './main.js';
export type { CommandContext, Io } from './main.js';
export { ExitCode } from './exit-codes.js';
export type { ExitCodeValue } from './exit-codes.js';
export { exitCodeFor } from './exit-code-for.js';
export { formatError } from './report-error.js';
