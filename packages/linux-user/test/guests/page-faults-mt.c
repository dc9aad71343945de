/*
 * Page protections changed under a running thread, no libc. A second thread (raw clone,
 * as threads.c) loops loading from a page, then loops calling a one-instruction function
 * (`ret`) on an executable page; meanwhile the main thread, once the loop has run a while,
 * makes the first page PROT_NONE and the code page PROT_READ|PROT_WRITE. The thread's
 * SIGSEGV handler (SA_SIGINFO) records si_code and si_addr and leaves with siglongjmp; the
 * thread prints both faults (addresses relative to the mapping) and exits, main joins it,
 * makes the page readable again and loads from it. Under wasmu the thread runs in its
 * own vCPU worker: the protection change and the invalidation of its code must reach it.
 */
#include "nolibc.h"
#include "fault-catch.h"

static u64 base;
static volatile long reads, calls, phase;
static volatile int ctid = -1, ptid;
static char stack[16384] __attribute__((aligned(16)));
static long tls;


static void report(const char *who) {
  out(who);
  out(": signal ");
  hex((u64)got_sig);
  out(" code ");
  hex((u64)got_code);
  out(" at +");
  hex(got_addr - base);
  out("\n");
}

void worker(void) {
  u64 data = base, code = base + PAGE + 0x100;
  if (SIGSETJMP(fault_env) == 0) {
    for (;;) { (void)load64(data); reads = reads + 1; }
  }
  report("reader");
  phase = 1;
  if (SIGSETJMP(fault_env) == 0) {
    for (;;) { ((void (*)(void))code)(); calls = calls + 1; }
  }
  report("caller");
  sys(93, 0, 0, 0, 0, 0, 0); /* exit: this thread only */
}

static long spawn(void) {
  long flags = 0x100 | 0x200 | 0x400 | 0x800 | 0x10000 | 0x40000 | 0x80000 | 0x100000 | 0x200000;
  register long a0 asm("a0") = flags;
  register long a1 asm("a1") = (long)(stack + sizeof stack);
  register long a2 asm("a2") = (long)&ptid;
  register long a3 asm("a3") = (long)&tls;
  register long a4 asm("a4") = (long)&ctid;
  register long a7 asm("a7") = 220;
  asm volatile("ecall\n bnez a0, 1f\n call worker\n1:"
               : "+r"(a0) : "r"(a1), "r"(a2), "r"(a3), "r"(a4), "r"(a7) : "memory", "ra");
  return a0;
}

void cmain(void) {
  struct ksigaction f = { (void *)on_fault, 4 /* SA_SIGINFO */, 0 };
  sys(SYS_rt_sigaction, 11, (long)&f, 0, 8, 0, 0);
  base = (u64)sys(SYS_mmap, 0, 2 * PAGE, PROT_READ | PROT_WRITE, 0x22 /* MAP_PRIVATE|MAP_ANONYMOUS */, -1, 0);
  store64(base, 0x77);
  store64(base + PAGE + 0x100, 0x00008067); /* ret */
  asm volatile("fence.i" ::: "memory");
  sys(SYS_mprotect, (long)(base + PAGE), PAGE, PROT_READ | PROT_EXEC, 0, 0, 0);
  if (spawn() <= 0) { out("clone failed\n"); sys(SYS_exit_group, 1, 0, 0, 0, 0, 0); }
  while (reads < 1000) { }
  sys(SYS_mprotect, (long)base, PAGE, PROT_NONE, 0, 0, 0);
  while (phase == 0) { }
  while (calls < 1000) { }
  sys(SYS_mprotect, (long)(base + PAGE), PAGE, PROT_READ | PROT_WRITE, 0, 0, 0);
  int v;
  while ((v = ctid) != 0) sys(98, (long)&ctid, 0 /* FUTEX_WAIT */, v, 0, 0, 0);
  sys(SYS_mprotect, (long)base, PAGE, PROT_READ, 0, 0, 0);
  out("main: load after the thread: ");
  hex(load64(base));
  out("\n");
  sys(SYS_exit_group, 0, 0, 0, 0, 0, 0);
}

asm(".globl _start\n_start:\n .option push\n .option norelax\n la gp, __global_pointer$\n .option pop\n call cmain\n");
