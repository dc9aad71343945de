// virtio-mmio (version 2) with virtio-blk and virtio-rng, driven the way Linux's
// virtio_mmio and virtio_blk drivers drive them (virtio 1.2, 3.1.1 and 4.2.3): reset,
// ACKNOWLEDGE, DRIVER, features, FEATURES_OK, queue set-up, DRIVER_OK, then requests
// through a split virtqueue in guest RAM.
import { describe, expect, it } from "vitest";
import {
  type BlockStorage, DmaMemory, VIRTIO_BLK_F_FLUSH, VIRTIO_BLK_F_RO, VIRTIO_BLK_S_IOERR, VIRTIO_BLK_S_OK, VIRTIO_BLK_S_UNSUPP,
  VIRTIO_BLK_T_FLUSH, VIRTIO_BLK_T_GET_ID, VIRTIO_BLK_T_IN, VIRTIO_BLK_T_OUT, VIRTIO_F_VERSION_1, VIRTIO_MMIO_CONFIG,
  VIRTIO_MMIO_DEVICE_FEATURES, VIRTIO_MMIO_DEVICE_FEATURES_SEL, VIRTIO_MMIO_DEVICE_ID, VIRTIO_MMIO_DRIVER_FEATURES,
  VIRTIO_MMIO_DRIVER_FEATURES_SEL, VIRTIO_MMIO_INTERRUPT_ACK, VIRTIO_MMIO_INTERRUPT_STATUS, VIRTIO_MMIO_MAGIC_VALUE,
  VIRTIO_MMIO_QUEUE_DESC_HIGH, VIRTIO_MMIO_QUEUE_DESC_LOW, VIRTIO_MMIO_QUEUE_DEVICE_LOW, VIRTIO_MMIO_QUEUE_DRIVER_LOW,
  VIRTIO_MMIO_QUEUE_NOTIFY, VIRTIO_MMIO_QUEUE_NUM, VIRTIO_MMIO_QUEUE_NUM_MAX, VIRTIO_MMIO_QUEUE_READY, VIRTIO_MMIO_QUEUE_SEL,
  VIRTIO_MMIO_STATUS, VIRTIO_MMIO_VENDOR_ID, VIRTIO_MMIO_VERSION, VIRTIO_STATUS_DEVICE_NEEDS_RESET, VIRTIO_STATUS_FEATURES_OK,
  VIRTQ_DESC_F_INDIRECT, VIRTQ_DESC_F_NEXT, VIRTQ_DESC_F_WRITE, VirtioBlk, VirtioMmio, VirtioRng, type VirtioDeviceModel,
} from "../src/index.js";
import { RecordingIrq } from "./support/fakes.js";

const RAM_BASE = 0x8000_0000n;
const RAM_SIZE = 1 << 20;
const DESC = RAM_BASE + 0x1000n;
const AVAIL = RAM_BASE + 0x2000n;
const USED = RAM_BASE + 0x3000n;
const BUFS = RAM_BASE + 0x10000n;
const QSIZE = 8;

class MemDisk implements BlockStorage {
  readonly data: Uint8Array;
  flushes = 0;
  failNext = false;
  constructor(sectors: number, readonly readOnly = false, readonly serial = "wasmu-disk-0") {
    this.data = new Uint8Array(sectors * 512).map((_, i) => (i * 7 + 3) & 0xff);
  }
  get size(): bigint {
    return BigInt(this.data.length);
  }
  read(offset: bigint, into: Uint8Array): void {
    into.set(this.data.subarray(Number(offset), Number(offset) + into.length));
  }
  write(offset: bigint, data: Uint8Array): void {
    if (this.failNext) throw new Error("EIO");
    this.data.set(data, Number(offset));
  }
  flush(): void {
    this.flushes++;
  }
}

class Driver {
  readonly ram = new Uint8Array(new SharedArrayBuffer(RAM_SIZE));
  readonly dv = new DataView(this.ram.buffer);
  readonly mem = new DmaMemory({ base: RAM_BASE, bytes: this.ram });
  readonly irq = new RecordingIrq();
  readonly dev: VirtioMmio;
  private availIdx = 0;
  private usedSeen = 0;
  private nextBuf = BUFS;

  constructor(model: VirtioDeviceModel | undefined) {
    this.dev = new VirtioMmio(model, this.irq, this.mem);
  }
  r(off: number): number {
    return Number(this.dev.read(off, 4));
  }
  w(off: number, v: number | bigint): void {
    this.dev.write(off, 4, BigInt(v));
  }
  off(addr: bigint): number {
    return Number(addr - RAM_BASE);
  }

  /** Linux's probe sequence; returns the device's 64 feature bits. */
  init(accept: (offered: bigint) => bigint = (f) => f): bigint {
    this.w(VIRTIO_MMIO_STATUS, 0);
    this.w(VIRTIO_MMIO_STATUS, 1);
    this.w(VIRTIO_MMIO_STATUS, 1 | 2);
    this.w(VIRTIO_MMIO_DEVICE_FEATURES_SEL, 1);
    let f = BigInt(this.r(VIRTIO_MMIO_DEVICE_FEATURES)) << 32n;
    this.w(VIRTIO_MMIO_DEVICE_FEATURES_SEL, 0);
    f |= BigInt(this.r(VIRTIO_MMIO_DEVICE_FEATURES));
    const a = accept(f);
    this.w(VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
    this.w(VIRTIO_MMIO_DRIVER_FEATURES, a >> 32n);
    this.w(VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
    this.w(VIRTIO_MMIO_DRIVER_FEATURES, a & 0xffff_ffffn);
    this.w(VIRTIO_MMIO_STATUS, 1 | 2 | 8);
    if ((this.r(VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_FEATURES_OK) === 0) return f;
    this.w(VIRTIO_MMIO_QUEUE_SEL, 0);
    expect(this.r(VIRTIO_MMIO_QUEUE_READY)).toBe(0);
    expect(this.r(VIRTIO_MMIO_QUEUE_NUM_MAX)).toBeGreaterThanOrEqual(QSIZE);
    this.w(VIRTIO_MMIO_QUEUE_NUM, QSIZE);
    this.w(VIRTIO_MMIO_QUEUE_DESC_LOW, DESC & 0xffff_ffffn);
    this.w(VIRTIO_MMIO_QUEUE_DESC_HIGH, DESC >> 32n);
    this.w(VIRTIO_MMIO_QUEUE_DRIVER_LOW, AVAIL & 0xffff_ffffn);
    this.w(VIRTIO_MMIO_QUEUE_DEVICE_LOW, USED & 0xffff_ffffn);
    this.w(VIRTIO_MMIO_QUEUE_READY, 1);
    this.w(VIRTIO_MMIO_STATUS, 1 | 2 | 8 | 4);
    return f;
  }

  buf(bytes: Uint8Array | number): bigint {
    const a = this.nextBuf;
    const n = typeof bytes === "number" ? bytes : bytes.length;
    if (typeof bytes !== "number") this.ram.set(bytes, this.off(a));
    else this.ram.fill(0xee, this.off(a), this.off(a) + n);
    this.nextBuf += BigInt((n + 15) & ~15);
    return a;
  }

  desc(i: number, addr: bigint, len: number, flags: number, next = 0, table = DESC): void {
    const o = this.off(table) + i * 16;
    this.dv.setBigUint64(o, addr, true);
    this.dv.setUint32(o + 8, len, true);
    this.dv.setUint16(o + 12, flags, true);
    this.dv.setUint16(o + 14, next, true);
  }

  /** Puts a chain of [addr, len, writable] segments at descriptors 0.., makes it available, notifies. */
  submit(segs: [bigint, number, boolean][]): { id: number; len: number } | undefined {
    segs.forEach(([a, l, wr], i) => this.desc(i, a, l, (wr ? VIRTQ_DESC_F_WRITE : 0) | (i < segs.length - 1 ? VIRTQ_DESC_F_NEXT : 0), i + 1));
    return this.kick(0);
  }

  kick(head: number): { id: number; len: number } | undefined {
    this.dv.setUint16(this.off(AVAIL) + 4 + (this.availIdx % QSIZE) * 2, head, true);
    this.availIdx = (this.availIdx + 1) & 0xffff;
    this.dv.setUint16(this.off(AVAIL) + 2, this.availIdx, true);
    this.w(VIRTIO_MMIO_QUEUE_NOTIFY, 0);
    const usedIdx = this.dv.getUint16(this.off(USED) + 2, true);
    if (usedIdx === this.usedSeen) return undefined;
    const o = this.off(USED) + 4 + (this.usedSeen % QSIZE) * 8;
    this.usedSeen = (this.usedSeen + 1) & 0xffff;
    return { id: this.dv.getUint32(o, true), len: this.dv.getUint32(o + 4, true) };
  }

  blkHeader(type: number, sector: bigint): bigint {
    const h = new Uint8Array(16);
    const dv = new DataView(h.buffer);
    dv.setUint32(0, type, true);
    dv.setBigUint64(8, sector, true);
    return this.buf(h);
  }

  byte(addr: bigint): number {
    return this.ram[this.off(addr)]!;
  }
}

describe("virtio-mmio transport", () => {
  it("an empty slot shows magic, version 2 and the vendor, and device id 0", () => {
    const d = new Driver(undefined);
    expect(d.r(VIRTIO_MMIO_MAGIC_VALUE)).toBe(0x74726976);
    expect(d.r(VIRTIO_MMIO_VERSION)).toBe(2);
    expect(d.r(VIRTIO_MMIO_DEVICE_ID)).toBe(0);
    expect(d.r(VIRTIO_MMIO_VENDOR_ID)).toBe(0x554d4551);
    expect(d.r(VIRTIO_MMIO_QUEUE_NUM_MAX)).toBe(0);
  });

  it("refuses FEATURES_OK without VERSION_1 or with features it did not offer", () => {
    const d = new Driver(new VirtioBlk(new MemDisk(8)));
    d.init((f) => f & ~VIRTIO_F_VERSION_1);
    expect(d.r(VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_FEATURES_OK).toBe(0);
    d.init((f) => f | (1n << 40n));
    expect(d.r(VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_FEATURES_OK).toBe(0);
    const f = d.init();
    expect(d.r(VIRTIO_MMIO_STATUS)).toBe(15);
    expect(f & VIRTIO_F_VERSION_1).toBe(VIRTIO_F_VERSION_1);
    expect(d.dev.negotiated).toBe(f);
  });

  it("a looping descriptor chain breaks the device (NEEDS_RESET, config interrupt) until reset", () => {
    const d = new Driver(new VirtioBlk(new MemDisk(8)));
    d.init();
    d.desc(0, BUFS, 16, VIRTQ_DESC_F_NEXT, 1);
    d.desc(1, BUFS, 16, VIRTQ_DESC_F_NEXT, 0);
    expect(d.kick(0)).toBeUndefined();
    expect(d.r(VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_DEVICE_NEEDS_RESET).toBe(VIRTIO_STATUS_DEVICE_NEEDS_RESET);
    expect(d.r(VIRTIO_MMIO_INTERRUPT_STATUS)).toBe(2);
    expect(d.irq.level).toBe(true);
    expect(d.dev.brokenReason).toMatch(/loops/);
    d.w(VIRTIO_MMIO_STATUS, 0);
    expect(d.r(VIRTIO_MMIO_STATUS)).toBe(0);
    expect(d.irq.level).toBe(false);
  });

  it("a buffer outside guest RAM breaks the device too", () => {
    const d = new Driver(new VirtioBlk(new MemDisk(8)));
    d.init();
    expect(d.submit([[0x1000n, 16, false], [BUFS, 1, true]])).toBeUndefined();
    expect(d.dev.brokenReason).toMatch(/outside guest RAM/);
  });
});

describe("virtio-blk", () => {
  it("offers its features and configuration: capacity in sectors, blk_size 512", () => {
    const d = new Driver(new VirtioBlk(new MemDisk(2048)));
    const f = d.init();
    expect(f & VIRTIO_BLK_F_FLUSH).toBe(VIRTIO_BLK_F_FLUSH);
    expect(f & VIRTIO_BLK_F_RO).toBe(0n);
    expect(d.dev.read(VIRTIO_MMIO_CONFIG, 8)).toBe(2048n);
    expect(d.dev.read(VIRTIO_MMIO_CONFIG + 4, 4)).toBe(0n);
    expect(d.dev.read(VIRTIO_MMIO_CONFIG + 20, 4)).toBe(512n);
    expect(d.r(VIRTIO_MMIO_DEVICE_ID)).toBe(2);
  });

  it("reads and writes sectors across segments, flushes, returns the id; used lengths count written bytes", () => {
    const disk = new MemDisk(16);
    const d = new Driver(new VirtioBlk(disk));
    d.init();
    // IN of sectors 2..3 into two 512-byte buffers
    const a = d.buf(512);
    const b = d.buf(512);
    const st = d.buf(1);
    expect(d.submit([[d.blkHeader(VIRTIO_BLK_T_IN, 2n), 16, false], [a, 512, true], [b, 512, true], [st, 1, true]])).toEqual({ id: 0, len: 1025 });
    expect(d.byte(st)).toBe(VIRTIO_BLK_S_OK);
    expect(d.ram.subarray(d.off(a), d.off(a) + 1024)).toEqual(disk.data.subarray(1024, 2048));
    expect(d.r(VIRTIO_MMIO_INTERRUPT_STATUS)).toBe(1);
    expect(d.irq.level).toBe(true);
    d.w(VIRTIO_MMIO_INTERRUPT_ACK, 1);
    expect(d.irq.level).toBe(false);
    // OUT of sector 5, header and data in one readable buffer
    const payload = new Uint8Array(512).fill(0x42);
    const hdr = d.blkHeader(VIRTIO_BLK_T_OUT, 5n);
    d.buf(payload); // directly after the header
    const st2 = d.buf(1);
    expect(d.submit([[hdr, 16 + 512, false], [st2, 1, true]])).toEqual({ id: 0, len: 1 });
    expect(d.byte(st2)).toBe(VIRTIO_BLK_S_OK);
    expect(disk.data.subarray(5 * 512, 6 * 512)).toEqual(payload);
    const st3 = d.buf(1);
    d.submit([[d.blkHeader(VIRTIO_BLK_T_FLUSH, 0n), 16, false], [st3, 1, true]]);
    expect(disk.flushes).toBe(1);
    const id = d.buf(20);
    const st4 = d.buf(1);
    expect(d.submit([[d.blkHeader(VIRTIO_BLK_T_GET_ID, 0n), 16, false], [id, 20, true], [st4, 1, true]])).toEqual({ id: 0, len: 21 });
    expect(String.fromCharCode(...d.ram.subarray(d.off(id), d.off(id) + 12))).toBe("wasmu-disk-0");
    expect(d.byte(id + 12n)).toBe(0);
  });

  it("IOERR past the end, on a read-only disk's write and on a failing disk; UNSUPP for unknown types", () => {
    const disk = new MemDisk(4);
    const d = new Driver(new VirtioBlk(disk));
    d.init();
    const st = () => d.buf(1);
    const s1 = st();
    d.submit([[d.blkHeader(VIRTIO_BLK_T_IN, 4n), 16, false], [d.buf(512), 512, true], [s1, 1, true]]);
    expect(d.byte(s1)).toBe(VIRTIO_BLK_S_IOERR);
    const s2 = st();
    d.submit([[d.blkHeader(99, 0n), 16, false], [s2, 1, true]]);
    expect(d.byte(s2)).toBe(VIRTIO_BLK_S_UNSUPP);
    disk.failNext = true;
    const hdr = d.blkHeader(VIRTIO_BLK_T_OUT, 0n);
    d.buf(512);
    const s3 = st();
    d.submit([[hdr, 16 + 512, false], [s3, 1, true]]);
    expect(d.byte(s3)).toBe(VIRTIO_BLK_S_IOERR);

    const ro = new Driver(new VirtioBlk(new MemDisk(4, true)));
    expect(ro.init() & VIRTIO_BLK_F_RO).toBe(VIRTIO_BLK_F_RO);
    const h = ro.blkHeader(VIRTIO_BLK_T_OUT, 0n);
    ro.buf(512);
    const s4 = ro.buf(1);
    ro.submit([[h, 16 + 512, false], [s4, 1, true]]);
    expect(ro.byte(s4)).toBe(VIRTIO_BLK_S_IOERR);
  });

  it("follows an indirect descriptor table and honours NO_INTERRUPT", () => {
    const disk = new MemDisk(4);
    const d = new Driver(new VirtioBlk(disk));
    d.init();
    const table = RAM_BASE + 0x5000n;
    const data = d.buf(512);
    const st = d.buf(1);
    d.desc(0, d.blkHeader(VIRTIO_BLK_T_IN, 1n), 16, VIRTQ_DESC_F_NEXT, 1, table);
    d.desc(1, data, 512, VIRTQ_DESC_F_WRITE | VIRTQ_DESC_F_NEXT, 2, table);
    d.desc(2, st, 1, VIRTQ_DESC_F_WRITE, 0, table);
    d.desc(3, table, 48, VIRTQ_DESC_F_INDIRECT);
    d.dv.setUint16(d.off(AVAIL), 1, true); // VIRTQ_AVAIL_F_NO_INTERRUPT
    expect(d.kick(3)).toEqual({ id: 3, len: 513 });
    expect(d.ram.subarray(d.off(data), d.off(data) + 512)).toEqual(disk.data.subarray(512, 1024));
    expect(d.irq.level).toBe(false);
  });
});

describe("virtio-rng", () => {
  it("fills the device-writable buffers from the entropy source", () => {
    let calls = 0;
    const d = new Driver(new VirtioRng({ fill: (b) => { calls++; b.fill(0x77); } }));
    d.init();
    expect(d.r(VIRTIO_MMIO_DEVICE_ID)).toBe(4);
    const a = d.buf(40);
    const b = d.buf(24);
    expect(d.submit([[a, 40, true], [b, 24, true]])).toEqual({ id: 0, len: 64 });
    expect(d.byte(a)).toBe(0x77);
    expect(d.byte(b + 23n)).toBe(0x77);
    expect(calls).toBe(1);
  });
});
