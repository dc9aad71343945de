/*
 * No libc: starts 4 threads with raw clone(CLONE_VM|CLONE_FS|CLONE_FILES|CLONE_SIGHAND|
 * CLONE_THREAD|CLONE_SYSVSEM|CLONE_SETTLS|CLONE_PARENT_SETTID|CLONE_CHILD_CLEARTID), as
 * glibc's pthread_create does. Each adds 1..10000 to a shared counter with amoadd and
 * checks its own tid and tp; the main thread first spins until every thread has started
 * (which needs preemption when the threads share one host thread), then joins them by
 * waiting on the clear_child_tid words with FUTEX_WAIT, prints the total and exits 0.
 */
#include "nolibc.h"

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

/* clone; the child calls worker(i) on its new stack and never returns here. */
static long spawn(long i) {
  long flags = 0x100 | 0x200 | 0x400 | 0x800 | 0x10000 | 0x40000 | 0x80000 | 0x100000 | 0x200000;
  register long a0 asm("a0") = flags;
  register long a1 asm("a1") = (long)(stacks[i] + sizeof stacks[i]);
  register long a2 asm("a2") = (long)&ptid[i];
  register long a3 asm("a3") = (long)&tls[i];
  register long a4 asm("a4") = (long)&ctid[i];
  register long a7 asm("a7") = 220;
  register long s1 asm("s1") = i;
  asm volatile("ecall\n bnez a0, 1f\n mv a0, s1\n call worker\n1:"
               : "+r"(a0) : "r"(a1), "r"(a2), "r"(a3), "r"(a4), "r"(a7), "r"(s1) : "memory", "ra");
  return a0;
}

void cmain(void) {
  for (long i = 0; i < N; i++) {
    ctid[i] = -1;
    if (spawn(i) <= 0) { out("clone failed\n"); sys(94, 1, 0, 0, 0, 0, 0); }
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
