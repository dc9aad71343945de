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
typedef unsigned long u64;

static long sys(long n, long a, long b, long c, long d, long e, long f) {
  register long a0 asm("a0") = a;
  register long a1 asm("a1") = b;
  register long a2 asm("a2") = c;
  register long a3 asm("a3") = d;
  register long a4 asm("a4") = e;
  register long a5 asm("a5") = f;
  register long a7 asm("a7") = n;
  asm volatile("ecall" : "+r"(a0) : "r"(a1), "r"(a2), "r"(a3), "r"(a4), "r"(a5), "r"(a7) : "memory");
  return a0;
}

enum { SYS_write = 64, SYS_exit_group = 94, SYS_rt_sigaction = 134, SYS_rt_sigprocmask = 135, SYS_munmap = 215, SYS_mmap = 222, SYS_mprotect = 226 };
enum { PROT_NONE = 0, PROT_READ = 1, PROT_WRITE = 2, PROT_EXEC = 4, PAGE = 4096 };

static u64 len(const char *s) { u64 n = 0; while (s[n]) n++; return n; }
static void out(const char *s) { sys(SYS_write, 1, (long)s, (long)len(s), 0, 0, 0); }
static void hex(u64 v) {
  char b[20];
  int i = 19;
  b[i] = 0;
  do { b[--i] = "0123456789abcdef"[v & 15]; v >>= 4; } while (v);
  b[--i] = 'x';
  b[--i] = '0';
  out(b + i);
}

/* sigsetjmp/siglongjmp: callee-saved registers, then the signal mask through rt_sigprocmask. */
struct jmpbuf { u64 r[26]; u64 mask; };
int save_regs(struct jmpbuf *b);
void restore_regs(struct jmpbuf *b, int v) __attribute__((noreturn));
asm(".globl save_regs\nsave_regs:\n"
    " sd ra, 0(a0)\n sd sp, 8(a0)\n sd s0, 16(a0)\n sd s1, 24(a0)\n sd s2, 32(a0)\n sd s3, 40(a0)\n"
    " sd s4, 48(a0)\n sd s5, 56(a0)\n sd s6, 64(a0)\n sd s7, 72(a0)\n sd s8, 80(a0)\n sd s9, 88(a0)\n"
    " sd s10, 96(a0)\n sd s11, 104(a0)\n fsd fs0, 112(a0)\n fsd fs1, 120(a0)\n fsd fs2, 128(a0)\n fsd fs3, 136(a0)\n"
    " fsd fs4, 144(a0)\n fsd fs5, 152(a0)\n fsd fs6, 160(a0)\n fsd fs7, 168(a0)\n fsd fs8, 176(a0)\n fsd fs9, 184(a0)\n"
    " fsd fs10, 192(a0)\n fsd fs11, 200(a0)\n li a0, 0\n ret\n"
    ".globl restore_regs\nrestore_regs:\n"
    " ld ra, 0(a0)\n ld sp, 8(a0)\n ld s0, 16(a0)\n ld s1, 24(a0)\n ld s2, 32(a0)\n ld s3, 40(a0)\n"
    " ld s4, 48(a0)\n ld s5, 56(a0)\n ld s6, 64(a0)\n ld s7, 72(a0)\n ld s8, 80(a0)\n ld s9, 88(a0)\n"
    " ld s10, 96(a0)\n ld s11, 104(a0)\n fld fs0, 112(a0)\n fld fs1, 120(a0)\n fld fs2, 128(a0)\n fld fs3, 136(a0)\n"
    " fld fs4, 144(a0)\n fld fs5, 152(a0)\n fld fs6, 160(a0)\n fld fs7, 168(a0)\n fld fs8, 176(a0)\n fld fs9, 184(a0)\n"
    " fld fs10, 192(a0)\n fld fs11, 200(a0)\n mv a0, a1\n ret\n");
#define SIGSETJMP(b) (sys(SYS_rt_sigprocmask, 0, 0, (long)&(b).mask, 8, 0, 0), save_regs(&(b)))
static void siglongjmp_(struct jmpbuf *b, int v) {
  sys(SYS_rt_sigprocmask, 2 /* SIG_SETMASK */, (long)&b->mask, 0, 8, 0, 0);
  restore_regs(b, v);
}

static struct jmpbuf tenv;
static volatile int got_sig, got_code;
static volatile u64 got_addr;
static u64 base;
static volatile long reads, calls, phase;
static volatile int ctid = -1, ptid;
static char stack[16384] __attribute__((aligned(16)));
static long tls;

static void on_fault(int sig, char *info, char *uc) {
  (void)uc;
  got_sig = sig;
  got_code = *(int *)(info + 8);
  got_addr = *(u64 *)(info + 16);
  siglongjmp_(&tenv, 1);
}

struct ksigaction { void *handler; u64 flags; u64 mask; };

static u64 load64(u64 a) { u64 v; asm volatile("ld %0, 0(%1)" : "=r"(v) : "r"(a) : "memory"); return v; }
static void store64(u64 a, u64 v) { asm volatile("sd %0, 0(%1)" :: "r"(v), "r"(a) : "memory"); }

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
  if (SIGSETJMP(tenv) == 0) {
    for (;;) { (void)load64(data); reads = reads + 1; }
  }
  report("reader");
  phase = 1;
  if (SIGSETJMP(tenv) == 0) {
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
