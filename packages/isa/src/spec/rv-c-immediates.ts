import type { CompressedImmediate } from "./types.js";

/**
 * How each RVC immediate is scattered over a 16-bit parcel, as `inst:imm` bit-range
 * pairs (`"12:11=5:4"` puts parcel bits 12..11 in immediate bits 5..4), plus whether the
 * immediate is sign-extended from its highest bit. The decoder and the encoder both read
 * these layouts.
 */
export interface CompressedImmediateLayout {
  readonly pieces: string;
  readonly signed: boolean;
  /** Highest immediate bit (the sign bit when `signed`). */
  readonly topBit: number;
}

/** The RVC immediate layouts, by name. */
export const COMPRESSED_IMMEDIATES: Readonly<Record<CompressedImmediate, CompressedImmediateLayout>> = {
  addi4spn: { pieces: "12:11=5:4 10:7=9:6 6=2 5=3", signed: false, topBit: 9 },
  lw: { pieces: "12:10=5:3 6=2 5=6", signed: false, topBit: 6 },
  ld: { pieces: "12:10=5:3 6:5=7:6", signed: false, topBit: 7 },
  ci: { pieces: "12=5 6:2=4:0", signed: true, topBit: 5 },
  lui: { pieces: "12=17 6:2=16:12", signed: true, topBit: 17 },
  addi16sp: { pieces: "12=9 6=4 5=6 4:3=8:7 2=5", signed: true, topBit: 9 },
  lwsp: { pieces: "12=5 6:4=4:2 3:2=7:6", signed: false, topBit: 7 },
  ldsp: { pieces: "12=5 6:5=4:3 4:2=8:6", signed: false, topBit: 8 },
  swsp: { pieces: "12:9=5:2 8:7=7:6", signed: false, topBit: 7 },
  sdsp: { pieces: "12:10=5:3 9:7=8:6", signed: false, topBit: 8 },
  branch: { pieces: "12=8 11:10=4:3 6:5=7:6 4:3=2:1 2=5", signed: true, topBit: 8 },
  jump: { pieces: "12=11 11=4 10:9=9:8 8=10 7=6 6=7 5:3=3:1 2=5", signed: true, topBit: 11 },
  shamt: { pieces: "12=5 6:2=4:0", signed: false, topBit: 5 },
};
