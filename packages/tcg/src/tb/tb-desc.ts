/**
 * Translation-block descriptors, laid out in shared memory: a fixed array of
 * {@link TB_WORDS}-word records in the TB arena's Int32Array. A TB is named by its index.
 *
 * Field                         | written                               | protected by
 * ------------------------------|---------------------------------------|-------------------------------
 * PC_LO, PC_HI, FLAGS, CFLAGS   | once, by the translating thread,      | immutable once published (the
 * PHYS_PAGE0/1, SIZE, ICOUNT,   | before tb_link_page publishes the TB  | hash-table insert is the release;
 * HASH, REGION, CODE_OFFSET,    |                                       | descriptors are recycled only by
 * CODE_SIZE                     |                                       | tb_flush, with every vCPU stopped)
 * STATE (INVALID bit)           | tbPhysInvalidate                      | jmp_lock of this TB; read atomically
 * JMP_LOCK                      | -                                     | the lock word itself (spinlock)
 * JMP_LIST_HEAD                 | tbAddJump / unlink                    | jmp_lock of this TB (it lists the
 *                               |                                       | jumps INTO this TB)
 * JMP_DEST0/1                   | tbAddJump (cmpxchg 0 -> dest)         | jmp_lock of the *destination*;
 *                               | unlink (and-with-1), close (or 1)     | bit 0 ("closed") set atomically
 * JMP_TARGET0/1                 | tbAddJump / unlink                    | jmp_lock of the destination; read
 *                               |                                       | by generated code without a lock
 * JMP_LIST_NEXT0/1              | tbAddJump / unlink                    | jmp_lock of the destination
 * PAGE_NEXT0/1                  | tb_page_add / tb_page_remove          | page lock of PHYS_PAGE0 / PHYS_PAGE1
 *
 * Encodings: a "TB-and-slot" link is `((tb + 1) << 1) | n`, 0 meaning none (jump lists
 * and page lists). JMP_DEST is `((dest + 1) << 1) | closed`: 0 = not chained, 1 = closed
 * (the TB is being invalidated: no further chaining). JMP_TARGET is `dest + 1` or 0: the
 * word goto_tb code reads to decide between a tail call into the destination and an exit.
 * Page numbers are u32 guest-physical page indices; NO_PAGE (-1) marks "no second page".
 */

/** Words per descriptor (128 bytes: two cache lines). */
export const TB_WORDS = 32;

/** Word offsets inside a descriptor. */
export const TbField = {
  PC_LO: 0,
  PC_HI: 1,
  FLAGS: 2,
  CFLAGS: 3,
  PHYS_PAGE0: 4,
  PHYS_PAGE1: 5,
  /** Guest bytes covered. */
  SIZE: 6,
  /** Guest instructions. */
  ICOUNT: 7,
  STATE: 8,
  /** The hash-table hash of the key (kept for removal). */
  HASH: 9,
  JMP_LOCK: 10,
  JMP_LIST_HEAD: 11,
  JMP_DEST0: 12,
  JMP_DEST1: 13,
  JMP_TARGET0: 14,
  JMP_TARGET1: 15,
  JMP_LIST_NEXT0: 16,
  JMP_LIST_NEXT1: 17,
  PAGE_NEXT0: 18,
  PAGE_NEXT1: 19,
  /** Region the TB was allocated from. */
  REGION: 20,
  /** Byte offset of the TB's code in the code buffer. */
  CODE_OFFSET: 21,
  /** Byte length of the TB's code. */
  CODE_SIZE: 22,
} as const;

/** STATE bit: the TB has been allocated and initialised. */
export const TB_STATE_ALLOCATED = 1;
/** STATE bit: the TB is invalid (removed or being removed); never chain to it. */
export const TB_STATE_INVALID = 2;

/** "No page" marker for PHYS_PAGE1. */
export const NO_PAGE = -1;

/** Encodes a (TB, slot) link for jump lists and page lists. */
export function encodeTbLink(tb: number, n: number): number {
  return ((tb + 1) << 1) | n;
}

/** The TB of a link (or -1 for none). */
export function linkTb(link: number): number {
  return (link >>> 1) - 1;
}

/** The slot (0 or 1) of a link. */
export function linkSlot(link: number): number {
  return link & 1;
}

/** The key and placement of a new TB. */
export interface TbInit {
  /** Guest pc, low 32 bits. */
  readonly pcLo: number;
  /** Guest pc, high 32 bits. */
  readonly pcHi: number;
  /** CPU-state flags that select the translation (privilege, FS state, ...). */
  readonly flags: number;
  /** Compile flags (CF_*: instruction count limit, parallel, ...). */
  readonly cflags: number;
  /** Guest-physical page of the first byte. */
  readonly physPage0: number;
  /** Guest-physical page of the last byte if different, else NO_PAGE. */
  readonly physPage1: number;
  /** Guest bytes covered. */
  readonly size: number;
  /** Guest instructions. */
  readonly icount: number;
}

/** Typed access to the descriptor array. Cheap: holds the arena view and a base index. */
export class TbStore {
  /**
   * @param words the TB arena's word view.
   * @param base word index of descriptor 0.
   * @param capacity number of descriptors.
   */
  constructor(
    readonly words: Int32Array,
    readonly base: number,
    readonly capacity: number,
  ) {}

  /** Word index of `field` of TB `tb`. */
  at(tb: number, field: number): number {
    return this.base + tb * TB_WORDS + field;
  }

  /** Byte offset of `field` of TB `tb` from the start of the arena (see `TbContext.tbFieldAddress`). */
  byteOffset(tb: number, field: number): number {
    return (this.base + tb * TB_WORDS + field) * 4;
  }

  /** Reads a field atomically. */
  get(tb: number, field: number): number {
    return Atomics.load(this.words, this.base + tb * TB_WORDS + field);
  }

  /** Writes a field atomically. */
  set(tb: number, field: number, value: number): void {
    Atomics.store(this.words, this.base + tb * TB_WORDS + field, value);
  }

  /**
   * Fills a freshly allocated descriptor (private to the allocating thread until it is
   * published). Jump and list fields start empty.
   */
  init(tb: number, key: TbInit, region: number, codeOffset: number, codeSize: number): void {
    const w = this.words;
    const b = this.base + tb * TB_WORDS;
    w.fill(0, b, b + TB_WORDS);
    w[b + TbField.PC_LO] = key.pcLo;
    w[b + TbField.PC_HI] = key.pcHi;
    w[b + TbField.FLAGS] = key.flags;
    w[b + TbField.CFLAGS] = key.cflags;
    w[b + TbField.PHYS_PAGE0] = key.physPage0;
    w[b + TbField.PHYS_PAGE1] = key.physPage1 === key.physPage0 ? NO_PAGE : key.physPage1;
    w[b + TbField.SIZE] = key.size;
    w[b + TbField.ICOUNT] = key.icount;
    w[b + TbField.REGION] = region;
    w[b + TbField.CODE_OFFSET] = codeOffset;
    w[b + TbField.CODE_SIZE] = codeSize;
    Atomics.store(w, b + TbField.STATE, TB_STATE_ALLOCATED);
  }

  /** Whether the TB is marked invalid. */
  isInvalid(tb: number): boolean {
    return (Atomics.load(this.words, this.base + tb * TB_WORDS + TbField.STATE) & TB_STATE_INVALID) !== 0;
  }

  /** Whether the TB's key equals the given key. */
  keyEquals(tb: number, pcLo: number, pcHi: number, flags: number, cflags: number): boolean {
    const w = this.words;
    const b = this.base + tb * TB_WORDS;
    return (
      Atomics.load(w, b + TbField.PC_LO) === (pcLo | 0) &&
      Atomics.load(w, b + TbField.PC_HI) === (pcHi | 0) &&
      Atomics.load(w, b + TbField.FLAGS) === (flags | 0) &&
      Atomics.load(w, b + TbField.CFLAGS) === (cflags | 0)
    );
  }

  /** Clears every descriptor (tb_flush, exclusive). */
  clearAll(): void {
    this.words.fill(0, this.base, this.base + this.capacity * TB_WORDS);
  }
}
