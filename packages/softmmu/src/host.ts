/**
 * Host services the machine uses, as small interfaces: the embedder (the CLI on Node, a
 * page in a browser, a test) supplies them. Every method is synchronous: a device runs to
 * completion under the device lock (see bus.ts).
 */

/** A monotonic clock in nanoseconds, the same in every thread (Node: process.hrtime.bigint). */
export interface MonotonicClock {
  nowNs(): bigint;
}

/** Wall-clock time in nanoseconds since the Unix epoch (the goldfish RTC's time). */
export interface WallClock {
  realtimeNs(): bigint;
}

/** A one-shot timer service on the device thread (the UART's receive timeout, the RTC alarm). */
export interface TimerService {
  /** Calls `callback` once, `delayNs` from now (0: as soon as possible); returns a cancel function. */
  schedule(delayNs: bigint, callback: () => void): () => void;
}

/** Where a UART's output goes. Input is pushed into the UART by the embedder. */
export interface CharBackend {
  write(bytes: Uint8Array): void;
}

/** A disk image (-drive file=…,format=raw): byte-addressed, synchronous. */
export interface BlockStorage {
  /** Size in bytes (the device exposes whole 512-byte sectors). */
  readonly size: bigint;
  readonly readOnly: boolean;
  /** Fills `into` from `offset`; throws on an I/O error. */
  read(offset: bigint, into: Uint8Array): void;
  /** Writes `data` at `offset`; throws on an I/O error. */
  write(offset: bigint, data: Uint8Array): void;
  /** Makes earlier writes durable; throws on an I/O error. */
  flush(): void;
  /** Up to 20 bytes identifying the disk (virtio-blk GET_ID); "" when it has none. */
  readonly serial?: string;
}

/** Random bytes for virtio-rng and /chosen/rng-seed (crypto.getRandomValues in both hosts). */
export interface EntropySource {
  fill(into: Uint8Array): void;
}

/** What the sifive_test device asks of the machine. */
export interface SystemControl {
  /** Power off; exit status `code` (0 for the PASS value, the guest's code for FAIL). */
  shutdown(code: number): void;
  /** Reset the machine (the RESET value). */
  reset(): void;
}
