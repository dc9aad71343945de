import { RV_A } from "./rv-a.js";
import { RV_C } from "./rv-c.js";
import { RV_D } from "./rv-d.js";
import { RV_F } from "./rv-f.js";
import { RV_I } from "./rv-i.js";
import { RV_M } from "./rv-m.js";
import { RV_PRIV } from "./rv-priv.js";
import { RV_ZBA } from "./rv-zba.js";
import { RV_ZBB } from "./rv-zbb.js";
import { RV_ZBS } from "./rv-zbs.js";
import { RV_ZICOND } from "./rv-zicond.js";
import { RV_ZICSR } from "./rv-zicsr.js";
import { RV_ZIFENCEI } from "./rv-zifencei.js";
import type { CompressedSpec, InsnSpec } from "./types.js";

/** Every 32-bit instruction; a row's index is its numeric opcode id. */
export const INSTRUCTIONS = [
  ...RV_I,
  ...RV_M,
  ...RV_A,
  ...RV_F,
  ...RV_D,
  ...RV_ZICSR,
  ...RV_ZIFENCEI,
  ...RV_PRIV,
  ...RV_ZBA,
  ...RV_ZBB,
  ...RV_ZBS,
  ...RV_ZICOND,
] as const satisfies readonly InsnSpec[];

/** Every 16-bit instruction. */
export const COMPRESSED_INSTRUCTIONS: readonly CompressedSpec[] = RV_C;

/** Mnemonic of a 32-bit instruction (the canonical name, without aq/rl suffixes). */
export type Mnemonic = (typeof INSTRUCTIONS)[number]["name"];

/** Mnemonic of a 16-bit instruction. */
export type CompressedMnemonic = (typeof RV_C)[number]["name"];

/**
 * Numeric opcode id of every mnemonic (the row's index in {@link INSTRUCTIONS}, the `id`
 * of a decoded {@link Instruction}): lets a translator dispatch on a small integer.
 */
export const OPCODES: Readonly<Record<Mnemonic, number>> = Object.fromEntries(INSTRUCTIONS.map((s, i) => [s.name, i])) as Record<Mnemonic, number>;
