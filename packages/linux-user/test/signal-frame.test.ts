import { describe, expect, it } from "vitest";
import { decodeSigframe, deliverSignal, encodeSigframe, Errno, RT_SIGFRAME_SIZE, RISCV_MINSIGSTKSZ, type SavedRegs, Sa, Ss } from "../src/index.js";
import { FakeProcess } from "./support/fake-process.js";

function regs(): SavedRegs {
  return { pc: 0x10078n, x: Array.from({ length: 32 }, (_, i) => BigInt(i * 0x111)), f: Array.from({ length: 32 }, (_, i) => BigInt(i) << 40n), fcsr: 0x61 };
}

describe("the riscv64 signal frame", () => {
  it("is AT_MINSIGSTKSZ bytes with Linux's offsets, and round-trips", () => {
    expect(RT_SIGFRAME_SIZE).toBe(RISCV_MINSIGSTKSZ);
    const r = regs();
    const b = encodeSigframe({ signo: 11, code: 1, addr: 8n }, r, 0x400n, { sp: 0, flags: Ss.DISABLE, size: 0 });
    const v = new DataView(b.buffer);
    expect([v.getInt32(0, true), v.getInt32(8, true), v.getBigUint64(16, true)]).toEqual([11, 1, 8n]);
    expect(v.getBigUint64(128 + 40, true)).toBe(0x400n); // uc_sigmask
    expect(v.getBigUint64(128 + 176, true)).toBe(0x10078n); // sc_regs.pc
    expect(v.getBigUint64(128 + 176 + 8 * 10, true)).toBe(10n * 0x111n); // a0
    expect(v.getUint32(128 + 176 + 256 + 256, true)).toBe(0x61); // fcsr
    const d = decodeSigframe(b);
    expect(d.mask).toBe(0x400n);
    expect(d.regs.x.slice(1)).toEqual(r.x.slice(1));
    expect(d.regs.f).toEqual(r.f);
    expect(d.regs.pc).toBe(r.pc);
  });

  it("delivery uses the alternate stack with SA_ONSTACK and blocks the signal in the handler", async () => {
    const p = new FakeProcess();
    let state = regs();
    state.x[2] = 0x1f0000n;
    p.thread.cpu = { read: () => ({ ...state, x: [...state.x], f: [...state.f] }), write: (r) => (state = r) };
    p.thread.proc.sigTrampoline = 0x7000;
    const ss = p.alloc(24);
    const altBase = p.alloc(8192);
    p.mm.write(ss, new Uint8Array(new BigUint64Array([BigInt(altBase), 0n, 8192n]).buffer));
    expect(await p.n("sigaltstack", ss, 0)).toBe(0);
    p.thread.proc.sigactions.set(10, { handler: 0x5000n, flags: BigInt(Sa.ONSTACK), mask: 0n });
    expect(deliverSignal(p.thread, { signo: 10, code: -6, pid: 1, uid: 0 })).toBe("handled");
    const frame = Number(state.x[2]);
    expect(frame).toBe((altBase + 8192 - RT_SIGFRAME_SIZE) & ~15);
    expect([state.pc, state.x[1], state.x[10], state.x[11], state.x[12]]).toEqual([0x5000n, 0x7000n, 10n, BigInt(frame), BigInt(frame + 128)]);
    expect(p.thread.sigmask).toBe(1n << 9n);
    // rt_sigreturn restores everything, mask included.
    expect(await p.n("rt_sigreturn")).toBe(10 * 0x111);
    expect(p.thread.sigreturned).toBe(true);
    expect(state.pc).toBe(0x10078n);
    expect(state.x[2]).toBe(0x1f0000n);
    expect(p.thread.sigmask).toBe(0n);
    expect(await p.n("sigaltstack", ss, 0)).toBe(0);
    p.mm.write(ss, new Uint8Array(new BigUint64Array([BigInt(altBase), 0n, 100n]).buffer));
    expect(await p.n("sigaltstack", ss, 0)).toBe(-Errno.ENOMEM);
  });

  it("a fault that is blocked or ignored kills (force_sig)", () => {
    const p = new FakeProcess();
    p.thread.proc.sigactions.set(11, { handler: 1n, flags: 0n, mask: 0n });
    expect(deliverSignal(p.thread, { signo: 11, code: 1, addr: 0n }, true)).toEqual({ kill: 11 });
    expect(deliverSignal(p.thread, { signo: 17, code: 0 })).toBe("ignored");
  });
});
