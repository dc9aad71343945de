/**
 * epoll: epoll_create1, epoll_ctl, epoll_pwait, epoll_pwait2 over the descriptors'
 * readiness (OpenFile.pollState), level-triggered (EPOLLET is treated as level-triggered,
 * which can only report more often), EPOLLONESHOT honoured. struct epoll_event is not
 * packed on riscv64: events (u32) at 0, data (u64) at 8, 16 bytes.
 *
 * @module
 */
import { Errno } from "../errno.js";
import { OpenFile, syntheticStat } from "../fs/open-file.js";
import type { Thread } from "../process/process.js";
import { addr, type FileStat, int, O, uint } from "./abi.js";
import type { SyscallFamily } from "./dispatch.js";
import { get, put, timeoutArg } from "./guest-io.js";
import { untilSignal } from "./sigwait.js";

/** epoll_ctl operations and event flags. */
export const Epoll = {
  CTL_ADD: 1, CTL_DEL: 2, CTL_MOD: 3, IN: 1, PRI: 2, OUT: 4, ERR: 8, HUP: 0x10, RDNORM: 0x40, WRNORM: 0x100,
  RDHUP: 0x2000, EXCLUSIVE: 1 << 28, WAKEUP: 1 << 29, ONESHOT: 1 << 30, ET: 0x8000_0000, CLOEXEC: O.CLOEXEC,
} as const;

interface Interest {
  readonly file: OpenFile;
  events: number;
  data: bigint;
  disabled: boolean;
}

/** An epoll instance. */
export class EpollFile extends OpenFile {
  /** Always "stream". */
  readonly kind = "stream";
  /** The interest list by descriptor. */
  readonly interest = new Map<number, Interest>();

  constructor() {
    super(O.RDWR);
  }

  override stat(): FileStat {
    return syntheticStat(0o600, 0n);
  }

  override pollState(): number {
    return this.ready(64).length > 0 ? 1 : 0;
  }

  /** Up to `max` ready entries: [data, revents]; EPOLLONESHOT entries are disabled as they are reported. */
  ready(max: number, consume = false): [bigint, number][] {
    const out: [bigint, number][] = [];
    for (const it of this.interest.values()) {
      if (out.length >= max) break;
      if (it.disabled) continue;
      const st = it.file.pollState();
      let r = st & (Epoll.ERR | Epoll.HUP);
      if ((st & 1) !== 0) r |= it.events & (Epoll.IN | Epoll.RDNORM);
      if ((st & 4) !== 0) r |= it.events & (Epoll.OUT | Epoll.WRNORM);
      if (r === 0) continue;
      out.push([it.data, r]);
      if (consume && (it.events & Epoll.ONESHOT) !== 0) it.disabled = true;
    }
    return out;
  }

  /** Settles when any watched file may have changed (undefined when none can). */
  override changed(): Promise<void> | undefined {
    const waits = [...this.interest.values()].map((i) => i.file.changed()).filter((p): p is Promise<void> => p !== undefined);
    return waits.length === 0 ? undefined : Promise.race(waits);
  }
}

function epollOf(t: Thread, fd: number): EpollFile | number {
  const f = t.proc.files.get(fd);
  if (f === undefined) return -Errno.EBADF;
  return f instanceof EpollFile ? f : -Errno.EINVAL;
}

function ctl(t: Thread, epfd: number, op: number, fd: number, ev: number): number {
  const ep = epollOf(t, epfd);
  if (typeof ep === "number") return ep;
  const f = t.proc.files.get(fd);
  if (f === undefined) return -Errno.EBADF;
  if (f === ep) return -Errno.EINVAL;
  if (f.kind === "file" || f.kind === "dir") return -Errno.EPERM;
  const cur = ep.interest.get(fd);
  if (op === Epoll.CTL_DEL) {
    if (cur === undefined) return -Errno.ENOENT;
    ep.interest.delete(fd);
    return 0;
  }
  const b = get(t, ev, 16);
  if (typeof b === "number") return b;
  const v = new DataView(b.buffer);
  const events = v.getUint32(0, true);
  const data = v.getBigUint64(8, true);
  if (op === Epoll.CTL_ADD) {
    if (cur !== undefined) return -Errno.EEXIST;
    ep.interest.set(fd, { file: f, events, data, disabled: false });
    return 0;
  }
  if (op === Epoll.CTL_MOD) {
    if (cur === undefined) return -Errno.ENOENT;
    cur.events = events;
    cur.data = data;
    cur.disabled = false;
    return 0;
  }
  return -Errno.EINVAL;
}

function wait(t: Thread, epfd: number, evs: number, max: number, timeoutNs: bigint | undefined): number | Promise<number> {
  const ep = epollOf(t, epfd);
  if (typeof ep === "number") return ep;
  if (max <= 0 || max > (1 << 24)) return -Errno.EINVAL;
  const emit = (): number => {
    const r = ep.ready(max, true);
    if (r.length === 0) return 0;
    const b = new Uint8Array(r.length * 16);
    const v = new DataView(b.buffer);
    r.forEach(([data, events], i) => {
      v.setUint32(i * 16, events, true);
      v.setBigUint64(i * 16 + 8, data, true);
    });
    const w = put(t, evs, b);
    return w < 0 ? w : r.length;
  };
  const first = emit();
  if (first !== 0 || timeoutNs === 0n) return first;
  const clock = t.proc.kernel.clock;
  const deadline = timeoutNs === undefined ? undefined : clock.monotonicNs() + timeoutNs;
  const loop = async (): Promise<number> => {
    for (;;) {
      const left = deadline === undefined ? undefined : deadline - clock.monotonicNs();
      if (left !== undefined && left <= 0n) return 0;
      const waits: Promise<void>[] = [];
      const c = ep.changed();
      if (c !== undefined) waits.push(c);
      if (left !== undefined) waits.push(clock.sleep(left));
      if (waits.length === 0) waits.push(new Promise<void>(() => {}));
      if ((await untilSignal(t, Promise.race(waits))) === "signal") return -Errno.EINTR;
      const n = emit();
      if (n !== 0) return n;
    }
  };
  return loop();
}

/** The epoll handlers. */
export const epollSyscalls: SyscallFamily = {
  epoll_create1: (t, a) => {
    const flags = uint(a[0]);
    if ((flags & ~Epoll.CLOEXEC) !== 0) return -Errno.EINVAL;
    return t.proc.files.install(new EpollFile(), (flags & Epoll.CLOEXEC) !== 0);
  },
  epoll_ctl: (t, a) => ctl(t, int(a[0]), int(a[1]), int(a[2]), addr(a[3])),
  epoll_pwait: (t, a) => {
    const ms = int(a[3]);
    return wait(t, int(a[0]), addr(a[1]), int(a[2]), ms < 0 ? undefined : BigInt(ms) * 1_000_000n);
  },
  epoll_pwait2: (t, a) => {
    const ns = timeoutArg(t, addr(a[3]));
    if (typeof ns === "number") return ns;
    return wait(t, int(a[0]), addr(a[1]), int(a[2]), ns);
  },
};
