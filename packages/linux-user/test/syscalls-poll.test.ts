import { describe, expect, it } from "vitest";
import { Errno, Poll } from "../src/index.js";
import { FakeProcess } from "./support/fake-process.js";

function pollfds(p: FakeProcess, entries: [number, number][]): number {
  const a = p.alloc(entries.length * 8);
  const b = new Uint8Array(entries.length * 8);
  const v = new DataView(b.buffer);
  entries.forEach(([fd, ev], i) => {
    v.setInt32(i * 8, fd, true);
    v.setUint16(i * 8 + 4, ev, true);
  });
  p.mm.write(a, b);
  return a;
}

function revents(p: FakeProcess, a: number, i: number): number {
  return new DataView(p.bytes(a + i * 8 + 6, 2).buffer).getUint16(0, true);
}

describe("ppoll and pselect6", () => {
  it("reports ready descriptors, POLLNVAL for closed ones, and times out on an empty pipe", async () => {
    const p = new FakeProcess();
    const fds = p.alloc(8);
    await p.n("pipe2", fds, 0);
    const a = pollfds(p, [[3, Poll.IN], [4, Poll.OUT], [1, Poll.OUT], [99, Poll.IN], [-1, Poll.IN]]);
    expect(await p.n("ppoll", a, 5, 0, 0, 8)).toBe(3);
    expect([0, 1, 2, 3, 4].map((i) => revents(p, a, i))).toEqual([0, Poll.OUT, Poll.OUT, Poll.NVAL, 0]);
    const ts = p.alloc(16);
    p.mm.write(ts, new Uint8Array(new BigInt64Array([0n, 20_000_000n]).buffer));
    const b = pollfds(p, [[3, Poll.IN]]);
    expect(await p.n("ppoll", b, 1, ts, 0, 8)).toBe(0);
    expect(await p.n("ppoll", b, -1, ts, 0, 8)).toBe(-Errno.EINVAL);
  });

  it("wakes when a pipe gets data, and sees the writer's close as POLLHUP", async () => {
    const p = new FakeProcess();
    const fds = p.alloc(8);
    await p.n("pipe2", fds, 0);
    const a = pollfds(p, [[3, Poll.IN]]);
    const waiting = p.call("ppoll", a, 1, 0, 0, 8);
    await p.n("write", 4, p.str("x"), 1);
    expect(Number(await waiting)).toBe(1);
    expect(revents(p, a, 0)).toBe(Poll.IN);
    await p.n("close", 4);
    const buf = p.alloc(8);
    await p.n("read", 3, buf, 8);
    expect(await p.n("ppoll", a, 1, 0, 0, 8)).toBe(1);
    expect(revents(p, a, 0)).toBe(Poll.HUP);
  });

  it("pselect6 fills fd_sets", async () => {
    const p = new FakeProcess();
    const fds = p.alloc(8);
    await p.n("pipe2", fds, 0);
    const r = p.alloc(8);
    const w = p.alloc(8);
    p.mm.write(r, new Uint8Array(new BigUint64Array([0b11000n]).buffer));
    p.mm.write(w, new Uint8Array(new BigUint64Array([0b10010n]).buffer));
    expect(await p.n("pselect6", 5, r, w, 0, 0, 0)).toBe(2);
    expect([p.u64(r), p.u64(w)]).toEqual([0n, 0b10010n]);
    p.mm.write(r, new Uint8Array(new BigUint64Array([1n << 40n]).buffer));
    expect(await p.n("pselect6", 41, r, 0, 0, 0, 0)).toBe(-Errno.EBADF);
  });
});

describe("eventfd2", () => {
  it("counts writes, reads the counter (or 1 as a semaphore), blocks at zero, and polls", async () => {
    const p = new FakeProcess();
    const fd = await p.n("eventfd2", 2, 0);
    const b = p.alloc(8);
    p.mm.write(b, new Uint8Array(new BigUint64Array([3n]).buffer));
    expect(await p.n("write", fd, b, 8)).toBe(8);
    expect(await p.n("read", fd, b, 8)).toBe(8);
    expect(p.u64(b)).toBe(5n);
    const pending = p.call("read", fd, b, 8);
    const w = p.alloc(8);
    p.mm.write(w, new Uint8Array(new BigUint64Array([1n]).buffer));
    expect(await p.n("write", fd, w, 8)).toBe(8);
    expect(Number(await pending)).toBe(8);
    expect(await p.n("read", fd, b, 4)).toBe(-Errno.EINVAL);
    const sem = await p.n("eventfd2", 2, 1 | 0o4000);
    expect(await p.n("read", sem, b, 8)).toBe(8);
    expect(p.u64(b)).toBe(1n);
    expect(await p.n("read", sem, b, 8)).toBe(8);
    expect(await p.n("read", sem, b, 8)).toBe(-Errno.EAGAIN);
    const a = pollfds(p, [[sem, Poll.IN | Poll.OUT]]);
    expect(await p.n("ppoll", a, 1, 0, 0, 8)).toBe(1);
    expect(revents(p, a, 0)).toBe(Poll.OUT);
    expect(await p.n("eventfd2", 0, 0x10)).toBe(-Errno.EINVAL);
  });
});

describe("epoll", () => {
  function event(p: FakeProcess, events: number, data: bigint): number {
    const a = p.alloc(16);
    const b = new Uint8Array(16);
    const v = new DataView(b.buffer);
    v.setUint32(0, events, true);
    v.setBigUint64(8, data, true);
    p.mm.write(a, b);
    return a;
  }

  it("reports ready descriptors with their data, waits for a pipe, honours EPOLLONESHOT", async () => {
    const p = new FakeProcess();
    const fds = p.alloc(8);
    await p.n("pipe2", fds, 0);
    const ep = await p.n("epoll_create1", 0);
    expect(await p.n("epoll_ctl", ep, 1, 3, event(p, 1, 0xaaaan))).toBe(0);
    expect(await p.n("epoll_ctl", ep, 1, 3, event(p, 1, 0n))).toBe(-Errno.EEXIST);
    expect(await p.n("epoll_ctl", ep, 1, 4, event(p, 4 | (1 << 30), 0xbbbbn))).toBe(0);
    const out = p.alloc(64);
    expect(await p.n("epoll_pwait", ep, out, 4, 0, 0, 8)).toBe(1);
    expect([p.u32(out), p.u64(out + 8)]).toEqual([4, 0xbbbbn]);
    expect(await p.n("epoll_pwait", ep, out, 4, 0, 0, 8)).toBe(0); // one-shot: disabled now
    const waiting = p.call("epoll_pwait", ep, out, 4, -1, 0, 8);
    await p.n("write", 4, p.str("z"), 1);
    expect(Number(await waiting)).toBe(1);
    expect([p.u32(out), p.u64(out + 8)]).toEqual([1, 0xaaaan]);
    expect(await p.n("epoll_ctl", ep, 2, 3, 0)).toBe(0);
    expect(await p.n("epoll_ctl", ep, 2, 3, 0)).toBe(-Errno.ENOENT);
    expect(await p.n("epoll_pwait", ep, out, 0, 0, 0, 8)).toBe(-Errno.EINVAL);
    expect(await p.n("epoll_pwait", 1, out, 4, 0, 0, 8)).toBe(-Errno.EINVAL);
  });
});

describe("timerfd", () => {
  it("counts expirations of a periodic timer, blocks until the first, reports the time left", async () => {
    const p = new FakeProcess();
    const fd = await p.n("timerfd_create", 1, 0);
    const its = p.alloc(32);
    p.mm.write(its, new Uint8Array(new BigInt64Array([0n, 10_000_000n, 0n, 20_000_000n]).buffer));
    // The first expiration is 20 ms after settime: time the blocking read from there (the
    // calls in between take a variable share of it on a loaded machine).
    const t0 = performance.now();
    expect(await p.n("timerfd_settime", fd, 0, its, 0)).toBe(0);
    const cur = p.alloc(32);
    expect(await p.n("timerfd_gettime", fd, cur)).toBe(0);
    expect(p.u64(cur + 8)).toBe(10_000_000n);
    expect(p.u64(cur + 24)).toBeGreaterThan(0n);
    const b = p.alloc(8);
    expect(await p.n("read", fd, b, 8)).toBe(8);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(19);
    expect(p.u64(b)).toBeGreaterThanOrEqual(1n);
    p.mm.write(its, new Uint8Array(32));
    expect(await p.n("timerfd_settime", fd, 0, its, 0)).toBe(0);
    expect(await p.n("timerfd_create", 99, 0)).toBe(-Errno.EINVAL);
    expect(await p.n("timerfd_settime", 1, 0, its, 0)).toBe(-Errno.EINVAL);
    const nb = await p.n("timerfd_create", 1, 0o4000);
    expect(await p.n("read", nb, b, 8)).toBe(-Errno.EAGAIN);
  });
});
