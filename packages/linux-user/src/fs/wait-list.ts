/**
 * A list of sleepers woken together: what a description that can wait (a pipe, an
 * eventfd, a timerfd, a socket) gives its waiting calls. The kernel thread owns it (no
 * lock): a waiting call awaits {@link WaitList.next}, and any change of the description
 * (data arrived, space freed, an end closed, a timer expired) calls {@link WaitList.wake}.
 *
 * @module
 */

/** Sleepers woken together. */
export class WaitList {
  private waiters: (() => void)[] = [];

  /** Wakes every sleeper. */
  wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  /** A promise settled at the next wake. */
  next(): Promise<void> {
    return new Promise((resolve) => this.waiters.push(resolve));
  }
}
