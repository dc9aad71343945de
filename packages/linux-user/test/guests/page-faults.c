/*
 * Page protections and SIGSEGV, no libc. Maps four anonymous pages, then, with a
 * SA_SIGINFO handler for SIGSEGV and SIGBUS that records si_signo, si_code and si_addr
 * and leaves with siglongjmp (a small sigsetjmp/siglongjmp of its own below), touches:
 *  - a PROT_NONE page (load, store), a PROT_READ page (load works, store and AMO fault),
 *    a munmapped page (load, store);
 *  - an 8-byte load that crosses from a readable page into the PROT_NONE one;
 *  - code: a call into a PROT_READ|PROT_WRITE page (not executable), the same page made
 *    executable (runs), made not executable again (faults: old translations must go), a
 *    call into the munmapped page, and a store into the executable, read-only page.
 * Each line prints what happened; addresses relative to the mapping, so the output does
 * not depend on where mmap placed it. Offsets: siginfo si_signo at 0, si_code at 8,
 * si_addr at 16.
 */
#include "nolibc.h"
#include "fault-catch.h"

static u64 base;

static void amoadd(u64 a, u64 v) { u64 old; asm volatile("amoadd.w %0, %1, (%2)" : "=r"(old) : "r"(v), "r"(a) : "memory"); }
static u64 call(u64 a, u64 v) { return ((u64 (*)(u64))a)(v); }

enum { LOAD, STORE, AMO, CALL };

/* Runs one access; prints "name: value" or "name: signal N code C at +OFF". */
static void try(const char *name, int kind, u64 addr) {
  out(name);
  out(": ");
  got_sig = 0;
  if (SIGSETJMP(fault_env) == 0) {
    u64 v = 0;
    switch (kind) {
      case LOAD: v = load64(addr); break;
      case STORE: store64(addr, 0x5a5a); break;
      case AMO: amoadd(addr, 1); break;
      default: v = call(addr, 41); break;
    }
    out("ok ");
    hex(v);
    out("\n");
    return;
  }
  out("signal ");
  hex((u64)got_sig);
  out(" code ");
  hex((u64)got_code);
  out(" at +");
  hex(got_addr - base);
  out("\n");
}

void cmain(void) {
  struct ksigaction f = { (void *)on_fault, 4 /* SA_SIGINFO */, 0 };
  sys(SYS_rt_sigaction, 11, (long)&f, 0, 8, 0, 0);
  sys(SYS_rt_sigaction, 7, (long)&f, 0, 8, 0, 0);
  base = (u64)sys(SYS_mmap, 0, 4 * PAGE, PROT_READ | PROT_WRITE, 0x22 /* MAP_PRIVATE|MAP_ANONYMOUS */, -1, 0);
  u64 none = base + PAGE, ro = base + 2 * PAGE, gone = base + 3 * PAGE;
  store64(ro + 0x20, 0x1234);
  sys(SYS_mprotect, (long)none, PAGE, PROT_NONE, 0, 0, 0);
  sys(SYS_mprotect, (long)ro, PAGE, PROT_READ, 0, 0, 0);
  sys(SYS_munmap, (long)gone, PAGE, 0, 0, 0, 0);

  try("load rw", LOAD, base + 0x8);
  try("load none", LOAD, none + 0x10);
  try("store none", STORE, none + 0x18);
  try("load ro", LOAD, ro + 0x20);
  try("store ro", STORE, ro + 0x28);
  try("amo ro", AMO, ro + 0x30);
  try("load unmapped", LOAD, gone + 0x38);
  try("store unmapped", STORE, gone + 0x40);
  try("load rw->none", LOAD, none - 4);
  try("store rw", STORE, base + 0x48);
  try("load rw again", LOAD, base + 0x48);

  /* Code on page 0: addi a0, a0, 1; ret. */
  u64 code = base + 0x100;
  store64(code, 0x0000806700150513UL);
  asm volatile("fence.i" ::: "memory");
  try("call rw", CALL, code);
  sys(SYS_mprotect, (long)base, PAGE, PROT_READ | PROT_EXEC, 0, 0, 0);
  try("call rx", CALL, code);
  try("store rx", STORE, code);
  try("call rx again", CALL, code);
  sys(SYS_mprotect, (long)base, PAGE, PROT_READ | PROT_WRITE, 0, 0, 0);
  try("call rw after rx", CALL, code);
  try("call unmapped", CALL, gone + 0x50);
  sys(SYS_exit_group, 0, 0, 0, 0, 0, 0);
}

asm(".globl _start\n_start:\n .option push\n .option norelax\n la gp, __global_pointer$\n .option pop\n call cmain\n");
