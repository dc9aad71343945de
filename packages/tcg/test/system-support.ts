// A system-mode RISC-V hart (src/target/riscv/system/hart.ts) on the test's thread with a
// minimal virt-like platform: RAM at 0x80000000, an NS16550A stand-in at 0x10000000 (THR
// writes collected, LSR always "transmitter empty"), sifive_test at 0x100000 (any write
// stops the run), a CLINT whose mtimecmp starts at 0 (MTIP pending, as under QEMU).
// For the priv-oracle probes, which only print over the UART and power off. The full
// machine (devices, workers) is @wasmu/softmmu's.
import { readElf } from "@wasmu/isa/elf";
import {
  type BusSize, createExecShared, createRiscvSystemTarget, createSyncThread, CPU_STATE_BYTES, ExecWorker, RISCV_MMU_INDEXES, RiscvHart, type TierMode, Vcpu,
} from "../src/index.js";

const RAM = 0x8000_0000n;
const UART = 0x1000_0000n;
const TEST = 0x10_0000n;
const CLINT = 0x200_0000n;
const MTIP = 1 << 7;

/** Runs ELF `elf` (entered at its entry point in M mode, a0 = 0) with `blobs` in RAM; returns the UART output. */
export function runSystemElf(o: { elf: Uint8Array; blobs?: readonly { addr: bigint; bytes: Uint8Array }[]; tier: TierMode; ramSize?: number; maxLoops?: number }): string {
  const r = readElf(o.elf);
  if (!r.ok) throw new Error(r.error);
  const ramSize = o.ramSize ?? 128 << 20;
  const rom = 0x1000;
  const shared = createExecShared({ ramBase: RAM, ramSize: ramSize + rom, stateSize: CPU_STATE_BYTES, vcpus: 1, softTlb: { mmuIndexes: RISCV_MMU_INDEXES }, tier: o.tier });
  const ram = new Uint8Array(shared.memory.buffer, shared.layout.ramOffset, ramSize);
  for (const seg of r.elf.segments) {
    if (seg.type !== 1 || seg.filesz === 0n) continue;
    ram.set(r.elf.segmentData(seg), Number(seg.paddr - RAM));
  }
  for (const b of o.blobs ?? []) ram.set(b.bytes, Number(b.addr - RAM));
  let out = "";
  let stop = false;
  let mtimecmp = 0n;
  let mtime = 0n;
  let loops = 0;
  const target = createRiscvSystemTarget();
  const worker = new ExecWorker(shared, target.translator);
  const vcpu = new Vcpu(worker, 0, createSyncThread(0));
  const ok = (value: bigint): { ok: true; value: bigint } => ({ ok: true, value });
  const hart = new RiscvHart(vcpu, target, {
    bus: {
      read(pa: bigint, size: BusSize) {
        if (pa === UART + 5n) return ok(0x60n);
        if (pa >= UART && pa < UART + 8n) return ok(0n);
        if (pa === CLINT + 0xbff8n) return ok(mtime++);
        if (pa === CLINT + 0x4000n) return ok(mtimecmp);
        void size;
        return { ok: false };
      },
      write(pa: bigint, _size: BusSize, value: bigint) {
        if (pa === UART) { out += String.fromCharCode(Number(value & 0xffn)); return true; }
        if (pa > UART && pa < UART + 8n) return true;
        if (pa === TEST) { stop = true; vcpu.kick(); return true; }
        if (pa === CLINT + 0x4000n) { mtimecmp = value; return true; }
        return false;
      },
    },
    externalPending: () => (mtime >= mtimecmp ? MTIP : 0),
    time: () => mtime,
    waitForInterrupt: () => { mtime = mtimecmp; },
    stopRequested: () => stop || ++loops > (o.maxLoops ?? 10_000_000),
  }, { ramBase: RAM, ramSize, romBase: 0x1000n, romSize: rom }, 0);
  hart.pc = r.elf.header.entry;
  hart.run();
  return out;
}
