import { describe, expect, it } from "vitest";
import { Errno, FutexOp } from "../src/index.js";
import { FakeProcess } from "./support/fake-process.js";

describe("futex", () => {
  it("FUTEX_WAIT checks the value, sleeps until FUTEX_WAKE, and wakes at most n waiters", async () => {
    const p = new FakeProcess();
    const f = p.alloc(8);
    p.mm.write(f, new Uint8Array([1, 0, 0, 0]));
    expect(await p.n("futex", f, FutexOp.WAIT, 0, 0)).toBe(-Errno.EAGAIN);
    expect(await p.n("futex", f + 1, FutexOp.WAIT, 1, 0)).toBe(-Errno.EINVAL);
    const w1 = p.call("futex", f, FutexOp.WAIT | FutexOp.PRIVATE_FLAG, 1, 0);
    const w2 = p.call("futex", f, FutexOp.WAIT, 1, 0);
    expect(await p.n("futex", f, FutexOp.WAKE, 1)).toBe(1);
    expect(Number(await w1)).toBe(0);
    expect(await p.n("futex", f, FutexOp.WAKE, 10)).toBe(1);
    expect(Number(await w2)).toBe(0);
    expect(await p.n("futex", f, FutexOp.WAKE, 10)).toBe(0);
  });

  it("times out (relative for WAIT, absolute for WAIT_BITSET) and honours bitsets", async () => {
    const p = new FakeProcess();
    const f = p.alloc(8);
    const ts = p.alloc(16);
    p.mm.write(ts, new Uint8Array(new BigInt64Array([0n, 20_000_000n]).buffer));
    expect(await p.n("futex", f, FutexOp.WAIT, 0, ts)).toBe(-Errno.ETIMEDOUT);
    p.mm.write(ts, new Uint8Array(new BigInt64Array([0n, 5n]).buffer)); // long past on CLOCK_MONOTONIC
    expect(await p.n("futex", f, FutexOp.WAIT_BITSET, 0, ts, 0, 0xffffffff)).toBe(-Errno.ETIMEDOUT);
    const w = p.call("futex", f, FutexOp.WAIT_BITSET, 0, 0, 0, 0b10);
    expect(await p.n("futex", f, FutexOp.WAKE_BITSET, 1, 0, 0, 0b01)).toBe(0);
    expect(await p.n("futex", f, FutexOp.WAKE_BITSET, 1, 0, 0, 0b10)).toBe(1);
    expect(Number(await w)).toBe(0);
    expect(await p.n("futex", f, FutexOp.WAIT_BITSET, 0, 0, 0, 0)).toBe(-Errno.EINVAL);
  });

  it("FUTEX_CMP_REQUEUE moves waiters to another futex", async () => {
    const p = new FakeProcess();
    const f = p.alloc(8);
    const g = p.alloc(8);
    const ws = [p.call("futex", f, FutexOp.WAIT, 0, 0), p.call("futex", f, FutexOp.WAIT, 0, 0), p.call("futex", f, FutexOp.WAIT, 0, 0)];
    expect(await p.n("futex", f, FutexOp.CMP_REQUEUE, 1, 5, g, 7)).toBe(-Errno.EAGAIN);
    expect(await p.n("futex", f, FutexOp.CMP_REQUEUE, 1, 5, g, 0)).toBe(3);
    expect(await p.n("futex", f, FutexOp.WAKE, 5)).toBe(0);
    expect(await p.n("futex", g, FutexOp.WAKE, 5)).toBe(2);
    expect((await Promise.all(ws)).map(Number)).toEqual([0, 0, 0]);
  });
});

describe("kill, tkill, tgkill to the calling process", () => {
  it("a default-action signal ends the process; ignored ones do nothing", async () => {
    const p = new FakeProcess();
    expect(await p.n("kill", 4242, 0)).toBe(0);
    expect(await p.n("kill", 4243, 0)).toBe(-Errno.ESRCH);
    expect(await p.n("tgkill", 4242, 4242, 17)).toBe(0); // SIGCHLD: ignored by default
    expect(p.thread.exit).toBeUndefined();
    expect(await p.n("tgkill", 4242, 4242, 6)).toBe(0);
    expect(p.thread.exit).toEqual({ status: 134, group: true, signal: 6 });
    expect(await p.n("tgkill", 0, 4242, 6)).toBe(-Errno.EINVAL);
    expect(await p.n("kill", 4242, 65)).toBe(-Errno.EINVAL);
  });
});

describe("wait4 before fork exists", () => {
  it("has no children to wait for", async () => {
    const p = new FakeProcess();
    expect(await p.n("wait4", -1, 0, 0, 0)).toBe(-Errno.ECHILD);
    expect(await p.n("wait4", -1, 0, 0x10, 0)).toBe(-Errno.EINVAL);
  });
});
