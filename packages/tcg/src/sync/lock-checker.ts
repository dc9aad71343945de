/**
 * Debug-build lock-ownership tracker: records which locks the current thread holds and
 * asserts the documented lock order. Each thread (worker) owns one checker; it is a plain
 * per-thread object (locks themselves are words in shared memory).
 *
 * Enabled by the embedder (e.g. `WASMU_DEBUG_TCG=1` read by the CLI or a test and passed
 * in); when disabled the lock helpers receive `null` and skip every check.
 *
 * Lock order (a thread may only acquire a lock whose rank is greater than the rank of
 * every lock it holds; pages additionally nest among themselves in ascending page index):
 *
 *   cpuList (10) < mmap (20) < tbLock (30) < region (40) < page (50, ascending index)
 *     < jmp (60) < qhtBucket (70) < bitmapPool (80)
 *
 * No lock is recursive: acquiring a lock the thread already holds is an error.
 * Try-locks may be taken out of order (they cannot deadlock) but are still recorded.
 */

/** Lock classes, valued by rank. */
export const LockClass = {
  /** The CPU list / exclusive-work mutex (cpus-common's qemu_cpu_list_lock). */
  cpuList: 10,
  /** mmap_lock: user-mode emulation serialises translation and page state with it. */
  mmap: 20,
  /** The global tb_lock of the `tb-lock=on` mode. */
  tbLock: 30,
  /** The code-buffer region allocator lock. */
  region: 40,
  /** A page descriptor lock (many, ascending page index). */
  page: 50,
  /** A TB's jmp_lock (one at a time). */
  jmp: 60,
  /** A TB hash-table bucket lock. */
  qhtBucket: 70,
  /** The code-bitmap pool lock. */
  bitmapPool: 80,
} as const;
/** A lock class (its value is its rank). */
export type LockClass = (typeof LockClass)[keyof typeof LockClass];

const className = new Map<number, string>(Object.entries(LockClass).map(([k, v]) => [v, k]));

/** Thrown when a lock rule is broken. */
export class LockOrderError extends Error {
  override name = "LockOrderError";
}

/** Which lock `assertMemoryLock` requires (depends on the emulation and tb-lock modes). */
export type MemoryLockKind = "mmap" | "tbLock" | "none";

/** The per-thread lock-ownership tracker. */
export class LockChecker {
  private readonly cls: number[] = [];
  private readonly ids: number[] = [];

  /**
   * @param threadName used in error messages.
   * @param memoryLock the lock `assertMemoryLock` checks for.
   */
  constructor(
    readonly threadName: string,
    public memoryLock: MemoryLockKind = "none",
  ) {}

  private describe(cls: number, id: number): string {
    return `${className.get(cls) ?? cls}#${id}`;
  }

  private fail(msg: string): never {
    const held = this.cls.map((c, i) => this.describe(c, this.ids[i]!)).join(", ");
    throw new LockOrderError(`${this.threadName}: ${msg} (holding: ${held || "nothing"})`);
  }

  /** Records a blocking acquisition of `cls#id`, checking recursion and order first. */
  acquire(cls: LockClass, id: number): void {
    for (let i = 0; i < this.cls.length; i++) {
      const c = this.cls[i]!;
      if (c === cls && this.ids[i] === id) this.fail(`recursive acquisition of ${this.describe(cls, id)}`);
      if (c > cls || (c === cls && (cls !== LockClass.page || this.ids[i]! > id))) {
        this.fail(`acquiring ${this.describe(cls, id)} breaks the lock order`);
      }
    }
    this.cls.push(cls);
    this.ids.push(id);
  }

  /** Records a successful try-lock of `cls#id` (no order check: it cannot deadlock). */
  acquiredTry(cls: LockClass, id: number): void {
    for (let i = 0; i < this.cls.length; i++) {
      if (this.cls[i] === cls && this.ids[i] === id) this.fail(`recursive acquisition of ${this.describe(cls, id)}`);
    }
    this.cls.push(cls);
    this.ids.push(id);
  }

  /** Records the release of `cls#id`; it must be held. */
  release(cls: LockClass, id: number): void {
    for (let i = this.cls.length - 1; i >= 0; i--) {
      if (this.cls[i] === cls && this.ids[i] === id) {
        this.cls.splice(i, 1);
        this.ids.splice(i, 1);
        return;
      }
    }
    this.fail(`releasing ${this.describe(cls, id)} which is not held`);
  }

  /** Whether this thread holds `cls#id` (any id when `id` is omitted). */
  holds(cls: LockClass, id?: number): boolean {
    for (let i = 0; i < this.cls.length; i++) {
      if (this.cls[i] === cls && (id === undefined || this.ids[i] === id)) return true;
    }
    return false;
  }

  /** Number of locks held. */
  get heldCount(): number {
    return this.cls.length;
  }

  /** Asserts that this thread holds `cls#id`. */
  assertHeld(cls: LockClass, id: number): void {
    if (!this.holds(cls, id)) this.fail(`${this.describe(cls, id)} must be held`);
  }

  /** Asserts that the memory lock of the current mode is held (QEMU's assert_memory_lock). */
  assertMemoryLock(): void {
    if (this.memoryLock === "mmap") this.assertHeld(LockClass.mmap, 0);
    else if (this.memoryLock === "tbLock") this.assertHeld(LockClass.tbLock, 0);
  }

  /** Asserts that page `page` is locked by this thread (assert_page_locked). */
  assertPageLocked(page: number): void {
    this.assertHeld(LockClass.page, page);
  }

  /** Asserts that this thread holds no page lock (assert_no_pages_locked). */
  assertNoPagesLocked(): void {
    if (this.holds(LockClass.page)) this.fail("no page may be locked here");
  }

  /** Asserts that this thread holds no lock at all (between TBs, before blocking). */
  assertNoLocksHeld(): void {
    if (this.cls.length !== 0) this.fail("no lock may be held here");
  }
}
