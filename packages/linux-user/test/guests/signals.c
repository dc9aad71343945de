/*
 * No libc: installs handlers with raw rt_sigaction, then
 *  1. tgkill(self, SIGUSR1): the handler runs and returns through rt_sigreturn;
 *  2. loads from address 8: the SIGSEGV handler checks si_addr and si_code, skips the
 *     faulting 4-byte load by moving the pc in the ucontext, and returns;
 *  3. ebreak: SIGTRAP, skipped the same way (2 bytes: c.ebreak is not used, 4 bytes);
 * prints what happened and exits 0. Offsets: siginfo.si_code at 8, si_addr at 16;
 * ucontext.uc_mcontext at 176 with the pc first.
 */
typedef unsigned long u64;

static long sys(long n, long a, long b, long c, long d) {
  register long a0 asm("a0") = a;
  register long a1 asm("a1") = b;
  register long a2 asm("a2") = c;
  register long a3 asm("a3") = d;
  register long a7 asm("a7") = n;
  asm volatile("ecall" : "+r"(a0) : "r"(a1), "r"(a2), "r"(a3), "r"(a7) : "memory");
  return a0;
}

static u64 len(const char *s) { u64 n = 0; while (s[n]) n++; return n; }
static void out(const char *s) { sys(64, 1, (long)s, (long)len(s), 0); }

static volatile int usr1, segv, trap;

static void on_usr1(int sig) { if (sig == 10) usr1++; }

static void on_fault(int sig, char *info, char *uc) {
  u64 *pc = (u64 *)(uc + 176);
  if (sig == 11 && *(int *)(info + 8) == 1 && *(u64 *)(info + 16) == 8) segv++;
  if (sig == 5) trap++;
  *pc += 4;
}

struct ksigaction { void *handler; u64 flags; u64 mask; };

void cmain(void) {
  struct ksigaction a = { (void *)on_usr1, 0, 0 };
  struct ksigaction f = { (void *)on_fault, 4 /* SA_SIGINFO */, 0 };
  sys(134, 10, (long)&a, 0, 8);
  sys(134, 11, (long)&f, 0, 8);
  sys(134, 5, (long)&f, 0, 8);
  long pid = sys(172, 0, 0, 0, 0);
  sys(131, pid, pid, 10, 0);
  out(usr1 == 1 ? "SIGUSR1 handled\n" : "SIGUSR1 missed\n");
  asm volatile(".option push\n.option norvc\nli t0, 8\nld t1, 0(t0)\n.option pop" ::: "t0", "t1", "memory");
  out(segv == 1 ? "SIGSEGV handled\n" : "SIGSEGV missed\n");
  asm volatile(".option push\n.option norvc\nebreak\n.option pop" ::: "memory");
  out(trap == 1 ? "SIGTRAP handled\n" : "SIGTRAP missed\n");
  sys(94, 0, 0, 0, 0);
}

asm(".globl _start\n_start:\n .option push\n .option norelax\n la gp, __global_pointer$\n .option pop\n call cmain\n");
