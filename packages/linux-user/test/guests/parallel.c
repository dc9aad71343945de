/*
 * No libc: 4 threads made with raw clone (as threads.c) pass through 20 rounds of a
 * sense-reversing barrier that spins on shared memory without any system call, then exit;
 * the main thread joins them through CLONE_CHILD_CLEARTID + FUTEX_WAIT and prints what
 * each thread counted. A round completes only when all 4 threads have arrived while the
 * others spin: with one worker per vCPU they run at the same time; with the threads
 * taking turns on one host thread, every round would need several preemptions. The test
 * (run-program.test.ts) also asks wasmu how many vCPUs ran guest code at once.
 */
#include "nolibc.h"
#include "nolibc-thread.h"

#define N 4
#define ROUNDS 20
static volatile int ctid[N];
static volatile int ptid[N];
static volatile int arrived;
static volatile int sense;
static volatile long passed[N];
static char stacks[N][16384] __attribute__((aligned(16)));
static long tls[N];

static void barrier(int *local) {
  *local = !*local;
  if (__atomic_add_fetch(&arrived, 1, __ATOMIC_ACQ_REL) == N) {
    __atomic_store_n(&arrived, 0, __ATOMIC_RELAXED);
    __atomic_store_n(&sense, *local, __ATOMIC_RELEASE);
  } else {
    while (__atomic_load_n(&sense, __ATOMIC_ACQUIRE) != *local) { }
  }
}

void worker(long i) {
  int local = 0;
  for (int r = 0; r < ROUNDS; r++) {
    barrier(&local);
    passed[i]++;
  }
  sys(93, 0, 0, 0, 0, 0, 0);
}


void cmain(void) {
  for (long i = 0; i < N; i++) {
    ctid[i] = -1;
    if (spawn_thread(i, stacks[i] + sizeof stacks[i], &ptid[i], &tls[i], &ctid[i]) <= 0) { out("clone failed\n"); sys(94, 1, 0, 0, 0, 0, 0); }
  }
  for (long i = 0; i < N; i++) {
    int v;
    while ((v = ctid[i]) != 0) sys(98, (long)&ctid[i], 0 /* FUTEX_WAIT */, v, 0, 0, 0);
  }
  for (long i = 0; i < N; i++) { out("thread "); num(i); out(" passed "); num(passed[i]); out(" barriers\n"); }
  sys(94, 0, 0, 0, 0, 0, 0);
}

asm(".globl _start\n_start:\n .option push\n .option norelax\n la gp, __global_pointer$\n .option pop\n call cmain\n");
