/*
 * No libc: starts 4 threads with raw clone(CLONE_VM|CLONE_FS|CLONE_FILES|CLONE_SIGHAND|
 * CLONE_THREAD|CLONE_SYSVSEM|CLONE_SETTLS|CLONE_PARENT_SETTID|CLONE_CHILD_CLEARTID), as
 * glibc's pthread_create does. Each adds 1..10000 to a shared counter with amoadd and
 * checks its own tid and tp; the main thread first spins until every thread has started
 * (which needs preemption when the threads share one host thread), then joins them by
 * waiting on the clear_child_tid words with FUTEX_WAIT, prints the total and exits 0.
 */
#include "nolibc.h"
#include "nolibc-thread.h"

#define N 4
static volatile long counter;
static volatile int ctid[N];
static volatile int ptid[N];
static volatile int bad;
static volatile int started;
static char stacks[N][16384] __attribute__((aligned(16)));
static long tls[N];

void worker(long i) {
  long tp;
  asm volatile("mv %0, tp" : "=r"(tp));
  __atomic_fetch_add(&started, 1, __ATOMIC_SEQ_CST);
  if (tp != (long)&tls[i]) bad++;
  if (sys(178, 0, 0, 0, 0, 0, 0) != ptid[i]) bad++;
  for (long k = 1; k <= 10000; k++) __atomic_fetch_add(&counter, k, __ATOMIC_RELAXED);
  sys(93, 0, 0, 0, 0, 0, 0); /* exit: this thread only */
}


void cmain(void) {
  for (long i = 0; i < N; i++) {
    ctid[i] = -1;
    if (spawn_thread(i, stacks[i] + sizeof stacks[i], &ptid[i], &tls[i], &ctid[i]) <= 0) { out("clone failed\n"); sys(94, 1, 0, 0, 0, 0, 0); }
  }
  while (__atomic_load_n(&started, __ATOMIC_SEQ_CST) != N) { }
  for (long i = 0; i < N; i++) {
    int v;
    while ((v = ctid[i]) != 0) sys(98, (long)&ctid[i], 0 /* FUTEX_WAIT */, v, 0, 0, 0);
  }
  out("total "); num(counter); out(bad ? " bad\n" : " ok\n");
  sys(94, 0, 0, 0, 0, 0, 0);
}

asm(".globl _start\n_start:\n .option push\n .option norelax\n la gp, __global_pointer$\n .option pop\n call cmain\n");
