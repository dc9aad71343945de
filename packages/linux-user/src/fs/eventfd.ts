/**
 * eventfd objects (eventfd2): a 64-bit counter; write adds, read takes the counter (or 1
 * with EFD_SEMAPHORE) and blocks while it is zero; poll sees POLLIN when non-zero and
 * POLLOUT while another 1 fits.
 *
 * @module
 */
import { Errno } from "../errno.js";
import { type FileStat, O } from "../syscalls/abi.js";
import { type IoResult, OpenFile, syntheticStat } from "./open-file.js";
import { WaitList } from "./wait-list.js";

/** eventfd2 flags. */
export const Efd = { SEMAPHORE: 1, CLOEXEC: O.CLOEXEC, NONBLOCK: O.NONBLOCK } as const;
const MAX = 0xffff_ffff_ffff_fffen;

/** An eventfd. */
export class EventFd extends OpenFile {
  /** Always "stream". */
  readonly kind = "stream";
  private readonly waits = new WaitList();

  /**
   * @param count initial counter.
   * @param flags EFD_SEMAPHORE | EFD_NONBLOCK.
   */
  constructor(
    public count: bigint,
    private readonly semaphore: boolean,
    flags: number,
  ) {
    super(O.RDWR | (flags & O.NONBLOCK));
  }

  private wake(): void {
    this.waits.wake();
  }

  override changed(): Promise<void> {
    return this.waits.next();
  }

  override read(buf: Uint8Array): IoResult {
    if (buf.length < 8) return -Errno.EINVAL;
    if (this.count === 0n) {
      if ((this.flags & O.NONBLOCK) !== 0) return -Errno.EAGAIN;
      return this.changed().then(() => this.read(buf));
    }
    const v = this.semaphore ? 1n : this.count;
    this.count -= v;
    new DataView(buf.buffer, buf.byteOffset, 8).setBigUint64(0, v, true);
    this.wake();
    return 8;
  }

  override write(buf: Uint8Array): IoResult {
    if (buf.length < 8) return -Errno.EINVAL;
    const v = new DataView(buf.buffer, buf.byteOffset, 8).getBigUint64(0, true);
    if (v === 0xffff_ffff_ffff_ffffn) return -Errno.EINVAL;
    if (this.count + v > MAX) {
      if ((this.flags & O.NONBLOCK) !== 0) return -Errno.EAGAIN;
      return this.changed().then(() => this.write(buf));
    }
    this.count += v;
    this.wake();
    return 8;
  }

  override pollState(): number {
    return (this.count > 0n ? 1 : 0) | (this.count < MAX ? 4 : 0);
  }

  override stat(): FileStat {
    return syntheticStat(0o600, 0n);
  }
}
