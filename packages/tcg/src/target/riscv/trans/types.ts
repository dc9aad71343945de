/**
 * The shape of the per-instruction translators (QEMU's decodetree `trans_*`).
 *
 * @module
 */
import type { Instruction, Mnemonic } from "@wasmu/isa";
import type { DisasContext } from "../disas-context.js";

/**
 * Translates one decoded instruction into IR; returns false when the instruction is
 * illegal in this context (the caller then raises illegal instruction).
 */
export type TransFn = (ctx: DisasContext, a: Instruction) => boolean;

/** A group of translators, keyed by @wasmu/isa mnemonic. */
export type TransTable = Partial<Record<Mnemonic, TransFn>>;
