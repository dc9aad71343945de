/**
 * Socket, extended-attribute, scheduling-policy and signal-waiting calls made directly on
 * a fake process (Linux's documented semantics: socket(7), unix(7), xattr(7),
 * sched_setscheduler(2), signal(7) "Interruption of system calls", sigtimedwait(2)).
 * The end-to-end comparisons with QEMU are in guests-vs-qemu.test.ts.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { Errno } from "../src/index.js";
import { FakeProcess } from "./support/fake-process.js";

const dir = mkdtempSync(join(tmpdir(), "wasmu-xattr-"));
writeFileSync(join(dir, "f"), "x");
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const AF_UNIX = 1;
const SOCK_STREAM = 1;
const SOCK_DGRAM = 2;
const SIGUSR1 = 10;
const SA_RESTART = 0x1000_0000;

async function pair(p: FakeProcess, type: number): Promise<[number, number]> {
  const sv = p.alloc(8);
  expect(await p.n("socketpair", AF_UNIX, type, 0, sv)).toBe(0);
  return [p.u32(sv), p.u32(sv + 4)];
}

/** Installs a handler (any non-zero address: it is never run here) for SIGUSR1. */
async function handle(p: FakeProcess, flags: number): Promise<void> {
  const act = p.alloc(24);
  p.mm.write(act, new Uint8Array(new BigUint64Array([0x1234n, BigInt(flags), 0n]).buffer));
  expect(await p.n("rt_sigaction", SIGUSR1, act, 0, 8)).toBe(0);
}

describe("extended attributes (none on any file)", () => {
  it("lists nothing, has no value, refuses to set, with Linux's errors", async () => {
    const p = new FakeProcess({ cwd: dir });
    const f = p.str("f");
    expect(await p.n("listxattr", f, 0, 0)).toBe(0);
    expect(await p.n("llistxattr", f, 0, 0)).toBe(0);
    expect(await p.n("getxattr", f, p.str("user.x"), 0, 0)).toBe(-Errno.ENODATA);
    expect(await p.n("lgetxattr", f, p.str("system.posix_acl_access"), 0, 0)).toBe(-Errno.ENODATA);
    expect(await p.n("getxattr", f, p.str("bogus"), 0, 0)).toBe(-Errno.EOPNOTSUPP);
    expect(await p.n("getxattr", f, p.str(""), 0, 0)).toBe(-Errno.ERANGE);
    expect(await p.n("getxattr", p.str("missing"), p.str("user.x"), 0, 0)).toBe(-Errno.ENOENT);
    expect(await p.n("fgetxattr", 99, p.str("user.x"), 0, 0)).toBe(-Errno.EBADF);
    expect(await p.n("flistxattr", 1, 0, 0)).toBe(0);
    expect(await p.n("setxattr", f, p.str("user.x"), p.str("v"), 1, 0)).toBe(-Errno.EOPNOTSUPP);
    expect(await p.n("setxattr", f, p.str("user.x"), p.str("v"), 1, 4)).toBe(-Errno.EINVAL);
    expect(await p.n("removexattr", f, p.str("user.x"))).toBe(-Errno.ENODATA);
    expect(p.warnings).toEqual([]);
  });
});

describe("scheduling policy", () => {
  it("reports SCHED_OTHER, checks policies and priorities, remembers what was set", async () => {
    const p = new FakeProcess();
    const prio = p.alloc(4);
    expect(await p.n("sched_getscheduler", 0)).toBe(0);
    expect(await p.n("sched_getscheduler", -1)).toBe(-Errno.EINVAL);
    expect(await p.n("sched_getscheduler", 999_999)).toBe(-Errno.ESRCH);
    expect([await p.n("sched_get_priority_max", 1), await p.n("sched_get_priority_min", 2), await p.n("sched_get_priority_max", 0)]).toEqual([99, 1, 0]);
    expect(await p.n("sched_get_priority_max", 4)).toBe(-Errno.EINVAL);
    p.mm.write(prio, new Uint8Array(new Int32Array([5]).buffer));
    expect(await p.n("sched_setscheduler", 0, 0, prio)).toBe(-Errno.EINVAL); // SCHED_OTHER needs priority 0
    expect(await p.n("sched_setscheduler", 0, 3, 0)).toBe(-Errno.EINVAL); // NULL param
    p.mm.write(prio, new Uint8Array(4));
    expect(await p.n("sched_setscheduler", 0, 3, prio)).toBe(0); // SCHED_BATCH
    expect(await p.n("sched_getscheduler", 0)).toBe(3);
    expect(await p.n("sched_getparam", 0, prio)).toBe(0);
    expect(p.u32(prio)).toBe(0);
  });

  it("answers landlock with EOPNOTSUPP, without a warning", async () => {
    const p = new FakeProcess();
    expect(await p.n("landlock_create_ruleset", 0, 0, 1)).toBe(-Errno.EOPNOTSUPP);
    expect(p.warnings).toEqual([]);
  });
});

describe("interval timers", () => {
  it("setitimer arms ITIMER_REAL, getitimer reports what is left, a zero value disarms", async () => {
    const p = new FakeProcess();
    const val = p.alloc(32);
    const old = p.alloc(32);
    p.mm.write(val, new Uint8Array(new BigInt64Array([0n, 0n, 10n, 0n]).buffer)); // no interval, 10 s
    expect(await p.n("setitimer", 0, val, 0)).toBe(0);
    expect(await p.n("getitimer", 0, old)).toBe(0);
    expect(p.u64(old + 16)).toBe(9n); // 9.99... s left
    p.mm.write(val, new Uint8Array(32));
    expect(await p.n("setitimer", 0, val, old)).toBe(0);
    expect(p.u64(old + 16)).toBe(9n);
    expect(await p.n("getitimer", 0, old)).toBe(0);
    expect([p.u64(old + 16), p.u64(old + 24)]).toEqual([0n, 0n]);
    expect(await p.n("getitimer", 3, old)).toBe(-Errno.EINVAL);
    p.mm.write(val, new Uint8Array(new BigInt64Array([0n, 0n, 0n, 1_000_000n]).buffer));
    expect(await p.n("setitimer", 0, val, 0)).toBe(-Errno.EINVAL);
  });
});

describe("unix sockets", () => {
  it("socketpair streams bytes both ways; shutdown gives EOF; a closed peer gives EPIPE", async () => {
    const p = new FakeProcess();
    const [a, b] = await pair(p, SOCK_STREAM);
    const buf = p.alloc(64);
    expect(await p.n("write", a, p.str("ping"), 4)).toBe(4);
    expect(await p.n("read", b, buf, 64)).toBe(4);
    expect(Buffer.from(p.bytes(buf, 4)).toString()).toBe("ping");
    expect(await p.n("shutdown", a, 1)).toBe(0);
    expect(await p.n("read", b, buf, 64)).toBe(0);
    expect(await p.n("close", b)).toBe(0);
    expect(await p.n("sendto", a, buf, 1, 0x4000, 0, 0)).toBe(-Errno.EPIPE); // MSG_NOSIGNAL
    expect(p.thread.pending).toEqual([]);
    // Without MSG_NOSIGNAL the writer gets SIGPIPE as Linux's send_sig sends it: si_code SI_USER (0), from itself.
    const act = p.alloc(24);
    p.mm.write(act, new Uint8Array(new BigUint64Array([0x1234n, 0n, 0n]).buffer));
    expect(await p.n("rt_sigaction", 13, act, 0, 8)).toBe(0);
    expect(await p.n("write", a, buf, 1)).toBe(-Errno.EPIPE);
    expect(p.thread.pending).toEqual([{ signo: 13, code: 0, pid: p.thread.proc.pid, uid: p.thread.proc.creds.uid }]);
    expect(await p.n("getsockopt", 0, 1, 3, buf, p.alloc(4))).toBe(-Errno.ENOTSOCK);
  });

  it("datagrams keep their boundaries; MSG_DONTWAIT on an empty socket is EAGAIN", async () => {
    const p = new FakeProcess();
    const [a, b] = await pair(p, SOCK_DGRAM);
    const buf = p.alloc(64);
    await p.n("write", a, p.str("one"), 3);
    await p.n("write", a, p.str("three"), 5);
    expect(await p.n("recvfrom", b, buf, 2, 0x20, 0, 0)).toBe(3); // MSG_TRUNC: the real length
    expect(await p.n("recvfrom", b, buf, 64, 0, 0, 0)).toBe(5);
    expect(await p.n("recvfrom", b, buf, 64, 0x40, 0, 0)).toBe(-Errno.EAGAIN);
  });
});

describe("a handled signal and a waiting call", () => {
  it("interrupts a blocking read with EINTR", async () => {
    const p = new FakeProcess();
    await handle(p, 0);
    const [, b] = await pair(p, SOCK_STREAM);
    const r = p.n("read", b, p.alloc(8), 8);
    setTimeout(() => p.thread.pending.push({ signo: SIGUSR1, code: 0 }), 20);
    expect(await r).toBe(-Errno.EINTR);
  });

  it("asks for a restart (-ERESTARTSYS) with SA_RESTART, so the handler runs first", async () => {
    const p = new FakeProcess();
    await handle(p, SA_RESTART);
    const [, b] = await pair(p, SOCK_STREAM);
    const r = p.n("read", b, p.alloc(8), 8);
    setTimeout(() => p.thread.pending.push({ signo: SIGUSR1, code: 0 }), 10);
    // The runner leaves the pc on the ecall and delivers the signal; the read runs again after the handler.
    expect(await r).toBe(-Errno.ERESTARTSYS);
    expect(p.thread.pending.map((s) => s.signo)).toEqual([SIGUSR1]);
  });

  it("ends nanosleep with EINTR even with SA_RESTART (never restarted, signal(7))", async () => {
    const p = new FakeProcess();
    await handle(p, SA_RESTART);
    const ts = p.alloc(16);
    p.mm.write(ts, new Uint8Array(new BigInt64Array([5n, 0n]).buffer));
    const r = p.n("nanosleep", ts, 0);
    setTimeout(() => p.thread.pending.push({ signo: SIGUSR1, code: 0 }), 20);
    expect(await r).toBe(-Errno.EINTR);
  });

  it("ends nanosleep early with EINTR and the time left", async () => {
    const p = new FakeProcess();
    await handle(p, 0);
    const ts = p.alloc(16);
    const rem = p.alloc(16);
    p.mm.write(ts, new Uint8Array(new BigInt64Array([5n, 0n]).buffer));
    const r = p.n("nanosleep", ts, rem);
    setTimeout(() => p.thread.pending.push({ signo: SIGUSR1, code: 0 }), 20);
    expect(await r).toBe(-Errno.EINTR);
    expect(p.u64(rem)).toBe(4n); // about 4.98 s left
  });

  it("rt_sigtimedwait takes a pending signal of the set, or times out with EAGAIN", async () => {
    const p = new FakeProcess();
    const set = p.alloc(8);
    const info = p.alloc(128);
    const zero = p.alloc(16);
    p.mm.write(set, new Uint8Array(new BigUint64Array([1n << BigInt(SIGUSR1 - 1)]).buffer));
    p.thread.sigmask = 1n << BigInt(SIGUSR1 - 1);
    expect(await p.n("rt_sigtimedwait", set, info, zero, 8)).toBe(-Errno.EAGAIN);
    p.thread.pending.push({ signo: SIGUSR1, code: -6, pid: 7, uid: 0 });
    let pending = p.alloc(8);
    expect(await p.n("rt_sigpending", pending, 8)).toBe(0);
    expect(p.u64(pending)).toBe(1n << BigInt(SIGUSR1 - 1));
    expect(await p.n("rt_sigtimedwait", set, info, zero, 8)).toBe(SIGUSR1);
    expect([p.u32(info), p.u32(info + 8) | 0, p.u32(info + 16)]).toEqual([SIGUSR1, -6, 7]);
    pending = p.alloc(8);
    await p.n("rt_sigpending", pending, 8);
    expect(p.u64(pending)).toBe(0n);
    expect(await p.n("rt_sigtimedwait", set, info, zero, 16)).toBe(-Errno.EINVAL);
  });
});
