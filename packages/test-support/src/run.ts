// Running a program from a test without blocking the test worker.
//
// Why not spawnSync/execFileSync: vitest's worker reports progress to the main process
// through an RPC (onTaskUpdate) whose reply it waits for on a 60-second timer of its
// own. A synchronous child run blocks the worker's event loop, and synchronous tests
// run back to back without the loop turning; when the loop turns again its timers phase
// comes before the poll phase that would read the reply, so once 60 s of blocked time
// have passed (a loaded machine, a whole-libc objdump, a file of wasmu runs) the call
// times out and the run fails with `Timeout calling "onTaskUpdate"` although every test
// passed. Awaiting the child keeps the loop turning.
import { spawn } from "node:child_process";

export interface Ran {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Kill the child (SIGKILL) after this many ms; status is then null. */
  timeout?: number;
  /** Bytes or text for the child's stdin (closed after); default: an empty stdin. */
  input?: string | Uint8Array;
  /** How stdout and stderr are decoded (default utf8; latin1 keeps every byte as one character). */
  encoding?: BufferEncoding;
}

/** Runs `cmd args` to its end; its status, signal and whole stdout and stderr (decoded as `opts.encoding`, default UTF-8). */
export function run(cmd: string, args: readonly string[], opts: RunOptions = {}): Promise<Ran> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: opts.cwd, env: opts.env ?? process.env, stdio: ["pipe", "pipe", "pipe"] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on("data", (b: Buffer) => out.push(b));
    child.stderr.on("data", (b: Buffer) => err.push(b));
    child.stdin.on("error", () => { /* the child need not read its input */ });
    child.stdin.end(opts.input ?? "");
    const timer = opts.timeout === undefined ? undefined : setTimeout(() => child.kill("SIGKILL"), opts.timeout);
    child.on("error", (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on("close", (status, signal) => {
      clearTimeout(timer);
      resolve({ status, signal, stdout: Buffer.concat(out).toString(opts.encoding ?? "utf8"), stderr: Buffer.concat(err).toString(opts.encoding ?? "utf8") });
    });
  });
}
