// The one list of benchmark entries. To add one: write src/entries/<name>.ts exporting a
// BenchEntry, and add it here (see the package README).
import type { BenchEntry } from "../entry.js";
import { isaEntry } from "./isa.js";
import { objdumpEntry } from "./objdump.js";
import { qemuSystemEntry } from "./qemu-system.js";
import { qemuUserEntry } from "./qemu-user.js";
import { smokeEntry } from "./smoke.js";
import { systemBootEntry } from "./system-boot.js";
import { tcgEntry } from "./tcg.js";
import { userProcsEntry } from "./procs.js";
import { userComputeEntry, userStartupEntry } from "./user.js";

/** Every registered entry, in the order `pnpm bench` runs them. */
export const ENTRIES: readonly BenchEntry[] = [isaEntry, objdumpEntry, qemuUserEntry, qemuSystemEntry, systemBootEntry, tcgEntry, userComputeEntry, userStartupEntry, userProcsEntry, smokeEntry];
