/**
 * The translator table: one {@link TransFn} per @wasmu/isa mnemonic. Its type is
 * `Record<Mnemonic, TransFn>`, so an instruction the decoder knows but no file
 * translates is a compile error.
 *
 * @module
 */
import type { Mnemonic } from "@wasmu/isa";
import { PRIV_TRANS } from "./priv.js";
import { RVA_TRANS } from "./rva.js";
import { RVD_TRANS } from "./rvd.js";
import { RVF_TRANS } from "./rvf.js";
import { RVI_TRANS } from "./rvi.js";
import { RVM_TRANS } from "./rvm.js";
import type { TransFn } from "./types.js";
import { ZBA_TRANS } from "./zba.js";
import { ZBB_TRANS } from "./zbb.js";
import { ZBS_TRANS } from "./zbs.js";
import { ZICOND_TRANS } from "./zicond.js";
import { ZICSR_TRANS } from "./zicsr.js";
import { ZIFENCEI_TRANS } from "./zifencei.js";

export type { TransFn } from "./types.js";

/** Every instruction's translator, keyed by mnemonic. */
export const RISCV_TRANS: Readonly<Record<Mnemonic, TransFn>> = {
  ...RVI_TRANS, ...RVM_TRANS, ...RVA_TRANS, ...RVF_TRANS, ...RVD_TRANS, ...ZICSR_TRANS,
  ...ZIFENCEI_TRANS, ...PRIV_TRANS, ...ZBA_TRANS, ...ZBB_TRANS, ...ZBS_TRANS, ...ZICOND_TRANS,
};
