/**
 * Host signals to the guest, as qemu-riscv64 forwards them: SIGINT, SIGTERM, SIGHUP,
 * SIGQUIT, SIGUSR1/2, SIGWINCH, SIGCONT and SIGTSTP sent to wasmu go to the guest process
 * as kill(2) from outside would (si_code SI_USER): a handler runs (Ctrl-C becomes
 * python's KeyboardInterrupt), an ignored signal is dropped, a default action ends the
 * run with 128 + the signal (SIGUSR1: 138, although Node uses SIGUSR1 for its inspector:
 * a listener replaces that). A default SIGTSTP stops wasmu itself (SIGSTOP), as QEMU does.
 *
 * Node runs signal listeners on the event loop: the guest sees the signal once the kernel
 * thread's loop turns (a blocking call, a thread in a worker), or at the next tick of
 * {@link startTicker}'s kicks when its first thread computes on the kernel thread.
 *
 * @module
 */
import { isatty } from "node:tty";
import { Worker } from "node:worker_threads";
import type { Process } from "../process/process.js";
import { signalSyscalls } from "../syscalls/signals.js";
import { DEFAULT_IGNORED, sigBit } from "./deliver.js";

/** The host signals forwarded, with their (riscv64 = generic Linux) numbers. */
export const FORWARDED_SIGNALS = {
  SIGHUP: 1, SIGINT: 2, SIGQUIT: 3, SIGUSR1: 10, SIGUSR2: 12, SIGTERM: 15, SIGCONT: 18, SIGTSTP: 20, SIGWINCH: 28,
} as const satisfies Partial<Record<NodeJS.Signals, number>>;

/** Sends host signal `signo` to guest process `p` (a thread that does not block it, else the first). */
export function deliverHostSignal(p: Process, signo: number): void {
  if (p.kernel.processes.get(p.pid) !== p) return;
  const handler = p.sigactions.get(signo)?.handler ?? 0n;
  if (signo === FORWARDED_SIGNALS.SIGTSTP && handler === 0n) {
    process.kill(process.pid, "SIGSTOP");
    return;
  }
  if (handler === 1n || (handler === 0n && DEFAULT_IGNORED.has(signo))) return;
  const threads = [...p.threads.values()];
  const target = threads.find((t) => (t.sigmask & sigBit(signo)) === 0n) ?? threads[0];
  if (target === undefined) return;
  void signalSyscalls.kill!(target, [BigInt(p.pid), BigInt(signo), 0n, 0n, 0n, 0n]);
  p.threadHost?.kick(target);
}

/** The signals a terminal generates (Ctrl-C, Ctrl-\\, Ctrl-Z, a resize): Linux sends them to its foreground process group. */
const TERMINAL_SIGNALS: ReadonlySet<number> = new Set([FORWARDED_SIGNALS.SIGINT, FORWARDED_SIGNALS.SIGQUIT, FORWARDED_SIGNALS.SIGTSTP, FORWARDED_SIGNALS.SIGWINCH]);

/**
 * Where host signal `signo` goes: a signal a terminal generates, when the host's stdin is
 * a terminal, to every process of the guest terminal's foreground process group
 * (tcsetpgrp; at first the first process's group), as the terminal driver sends it; any
 * other signal, and every signal without a terminal, to the first process `p` (the one
 * the host signalled, as wasmu is its host process).
 */
export function hostSignalTargets(p: Process, signo: number, terminal = isatty(0)): Process[] {
  const fg = p.kernel.terminal;
  if (!terminal || fg === undefined || !TERMINAL_SIGNALS.has(signo)) return [p];
  return p.kernel.processGroup(fg.pgrp);
}

/** Forwards the host's {@link FORWARDED_SIGNALS} to `p` (or the terminal's foreground group: {@link hostSignalTargets}) until the returned function is called. */
export function forwardHostSignals(p: Process, onSignal: () => void = () => {}): () => void {
  const listeners = Object.entries(FORWARDED_SIGNALS).map(([name, signo]) => {
    const l = (): void => {
      const targets = hostSignalTargets(p, signo);
      if (!targets.includes(p)) {
        // A guest job in the foreground (its shell made it so): the terminal's signal is
        // the guest's business; a Ctrl-Z stops those processes and their shell sees it.
        for (const q of targets) p.kernel.signalProcess(q, { signo, code: 0, pid: 0, uid: 0 });
      } else if (signo === FORWARDED_SIGNALS.SIGTSTP && targets.every((q) => (q.sigactions.get(signo)?.handler ?? 0n) === 0n)) {
        // A Ctrl-Z that no process of the first process's group handles stops the whole
        // run (wasmu itself, as it stops qemu-riscv64's process): the host's shell sees it.
        deliverHostSignal(p, signo);
      } else {
        // (A process of that group that would stop is not stopped alone: wasmu stops as a whole or not at all.)
        for (const q of targets) if (signo !== FORWARDED_SIGNALS.SIGTSTP || (q.sigactions.get(signo)?.handler ?? 0n) !== 0n) deliverHostSignal(q, signo);
      }
      onSignal();
    };
    process.on(name as NodeJS.Signals, l);
    return [name as NodeJS.Signals, l] as const;
  });
  return () => {
    for (const [name, l] of listeners) process.off(name, l);
  };
}

/**
 * A tiny worker that sets the int32 at `byteOffset` of `buffer` (a vCPU's EXIT_REQUEST
 * word) to 1 every `ms` ms, so that a vCPU computing on the kernel thread returns to its
 * loop, which can then let the event loop run the signal listeners. A message
 * `{ buffer, byteOffset }` points it at another word (another process's vCPU, run-program.ts).
 * Stop it with terminate().
 */
export function startTicker(buffer: SharedArrayBuffer, byteOffset: number, ms = 50): Worker {
  const code = `const { workerData: d, parentPort } = require("node:worker_threads");
let w = new Int32Array(d.buffer, d.byteOffset, 1);
parentPort.on("message", (m) => { w = new Int32Array(m.buffer, m.byteOffset, 1); });
setInterval(() => { Atomics.store(w, 0, 1); Atomics.notify(w, 0); }, d.ms);`;
  const worker = new Worker(code, { eval: true, workerData: { buffer, byteOffset, ms }, execArgv: [], env: { ...process.env, NODE_OPTIONS: "" }, stdout: true, stderr: true });
  worker.unref();
  return worker;
}
