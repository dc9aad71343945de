/**
 * `@wasmu/cli`: the `wasmu` command. Its entry point is the `wasmu` bin; this module
 * exposes the same commands for programs that embed them.
 */
export { run } from "./cli.js";
export type { CommandIo } from "./commands/io.js";
export { objdump, ObjdumpError, type ObjdumpOptions } from "./objdump/objdump.js";
export { VERSION } from "./version.js";
export { NODE_FLAGS } from "./node-flags.js";
