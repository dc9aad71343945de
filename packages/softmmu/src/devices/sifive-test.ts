/**
 * The sifive_test finisher of the virt machine (QEMU's hw/misc/sifive_test.c), which the
 * device tree's syscon-poweroff and syscon-reboot nodes point at: a 32-bit write to
 * offset 0 of PASS (0x5555) powers off with status 0, FAIL (0x3333) with the status in
 * the upper 16 bits, RESET (0x7777) resets the machine. Other values and offsets are
 * ignored; reads return 0.
 */
import { type AccessSize, type MmioDevice, SIZE_4 } from "../bus.js";
import type { SystemControl } from "../host.js";
import { TEST_FAIL, TEST_PASS, TEST_RESET } from "../machine/virt-memmap.js";

export class SifiveTest implements MmioDevice {
  readonly name = "sifive_test";
  readonly accessSizes = SIZE_4;

  constructor(private readonly system: SystemControl) {}

  read(): bigint {
    return 0n;
  }

  write(offset: number, _size: AccessSize, value: bigint): void {
    if (offset !== 0) return;
    const v = Number(value & 0xffff_ffffn);
    const status = v & 0xffff;
    if (status === TEST_PASS) this.system.shutdown(0);
    else if (status === TEST_FAIL) this.system.shutdown(v >>> 16);
    else if (status === TEST_RESET) this.system.reset();
  }
}
