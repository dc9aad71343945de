/*
 * fpu-oracle: executes single RISC-V F/D instructions on the machine it runs on
 * (real hardware or qemu-riscv64-static) and prints result bits and fflags.
 *
 * Input, one vector per line:   <op> <rm> <a> <b> <c>
 *   op  RISC-V mnemonic, e.g. fadd.s, fcvt.wu.d, fmadd.d
 *   rm  rounding mode 0..4 (written to frm; the instruction uses rm=dyn)
 *   a b c  64-bit operands in hex. Floating-point operands are the full 64-bit
 *      f-register contents (so singles must be NaN-boxed, or deliberately not);
 *      integer operands are the 64-bit x-register contents.
 * Output, one line per vector:  <result> <fflags>
 *   result  the full 64-bit destination register (f or x) in hex (16 digits)
 *   fflags  the accrued flags in hex (NV=10 DZ=08 OF=04 UF=02 NX=01)
 * A line it cannot parse prints "error".
 *
 * Build: ./build.sh (riscv64-linux-gnu-gcc -O2 -static -nostdlib: no libc, raw syscalls).
 */
#include <stdint.h>

/* No libc: a static binary of a few KB. _start, read/write/exit by raw syscalls. */
typedef uint64_t u64;

/* fp,fp,fp -> fp */
#define R3(insn)                                                              \
  asm volatile("fsrm %[rm]\n\tfmv.d.x ft0,%[a]\n\tfmv.d.x ft1,%[b]\n\t"      \
               "fmv.d.x ft2,%[c]\n\tfsflags x0\n\t" insn " ft3,ft0,ft1,ft2\n\t" \
               "frflags %[fl]\n\tfmv.x.d %[r],ft3"                            \
               : [r] "=&r"(r), [fl] "=&r"(fl)                                 \
               : [rm] "r"(rm), [a] "r"(a), [b] "r"(b), [c] "r"(c)             \
               : "ft0", "ft1", "ft2", "ft3")
/* fp,fp -> fp */
#define R2(insn)                                                              \
  asm volatile("fsrm %[rm]\n\tfmv.d.x ft0,%[a]\n\tfmv.d.x ft1,%[b]\n\t"      \
               "fsflags x0\n\t" insn " ft3,ft0,ft1\n\t"                       \
               "frflags %[fl]\n\tfmv.x.d %[r],ft3"                            \
               : [r] "=&r"(r), [fl] "=&r"(fl)                                 \
               : [rm] "r"(rm), [a] "r"(a), [b] "r"(b)                         \
               : "ft0", "ft1", "ft3")
/* fp -> fp */
#define R1(insn)                                                              \
  asm volatile("fsrm %[rm]\n\tfmv.d.x ft0,%[a]\n\t"                          \
               "fsflags x0\n\t" insn " ft3,ft0\n\t"                           \
               "frflags %[fl]\n\tfmv.x.d %[r],ft3"                            \
               : [r] "=&r"(r), [fl] "=&r"(fl)                                 \
               : [rm] "r"(rm), [a] "r"(a)                                     \
               : "ft0", "ft3")
/* fp,fp -> int */
#define X2(insn)                                                              \
  asm volatile("fsrm %[rm]\n\tfmv.d.x ft0,%[a]\n\tfmv.d.x ft1,%[b]\n\t"      \
               "fsflags x0\n\t" insn " %[r],ft0,ft1\n\t"                      \
               "frflags %[fl]"                                                \
               : [r] "=&r"(r), [fl] "=&r"(fl)                                 \
               : [rm] "r"(rm), [a] "r"(a), [b] "r"(b)                         \
               : "ft0", "ft1")
/* fp -> int */
#define X1(insn)                                                              \
  asm volatile("fsrm %[rm]\n\tfmv.d.x ft0,%[a]\n\t"                          \
               "fsflags x0\n\t" insn " %[r],ft0\n\t"                          \
               "frflags %[fl]"                                                \
               : [r] "=&r"(r), [fl] "=&r"(fl)                                 \
               : [rm] "r"(rm), [a] "r"(a)                                     \
               : "ft0")
/* int -> fp */
#define F1(insn)                                                              \
  asm volatile("fsrm %[rm]\n\t"                                               \
               "fsflags x0\n\t" insn " ft3,%[a]\n\t"                          \
               "frflags %[fl]\n\tfmv.x.d %[r],ft3"                            \
               : [r] "=&r"(r), [fl] "=&r"(fl)                                 \
               : [rm] "r"(rm), [a] "r"(a)                                     \
               : "ft3")

#define OPS(X)                                                                 \
  X(fadd_s, R2, "fadd.s") X(fsub_s, R2, "fsub.s") X(fmul_s, R2, "fmul.s")     \
  X(fdiv_s, R2, "fdiv.s") X(fsqrt_s, R1, "fsqrt.s") X(fmin_s, R2, "fmin.s")   \
  X(fmax_s, R2, "fmax.s") X(fmadd_s, R3, "fmadd.s") X(fmsub_s, R3, "fmsub.s") \
  X(fnmsub_s, R3, "fnmsub.s") X(fnmadd_s, R3, "fnmadd.s")                     \
  X(fsgnj_s, R2, "fsgnj.s") X(fsgnjn_s, R2, "fsgnjn.s")                       \
  X(fsgnjx_s, R2, "fsgnjx.s") X(feq_s, X2, "feq.s") X(flt_s, X2, "flt.s")     \
  X(fle_s, X2, "fle.s") X(fclass_s, X1, "fclass.s")                           \
  X(fcvt_w_s, X1, "fcvt.w.s") X(fcvt_wu_s, X1, "fcvt.wu.s")                   \
  X(fcvt_l_s, X1, "fcvt.l.s") X(fcvt_lu_s, X1, "fcvt.lu.s")                   \
  X(fcvt_s_w, F1, "fcvt.s.w") X(fcvt_s_wu, F1, "fcvt.s.wu")                   \
  X(fcvt_s_l, F1, "fcvt.s.l") X(fcvt_s_lu, F1, "fcvt.s.lu")                   \
  X(fmv_x_w, X1, "fmv.x.w") X(fmv_w_x, F1, "fmv.w.x")                         \
  X(fadd_d, R2, "fadd.d") X(fsub_d, R2, "fsub.d") X(fmul_d, R2, "fmul.d")     \
  X(fdiv_d, R2, "fdiv.d") X(fsqrt_d, R1, "fsqrt.d") X(fmin_d, R2, "fmin.d")   \
  X(fmax_d, R2, "fmax.d") X(fmadd_d, R3, "fmadd.d") X(fmsub_d, R3, "fmsub.d") \
  X(fnmsub_d, R3, "fnmsub.d") X(fnmadd_d, R3, "fnmadd.d")                     \
  X(fsgnj_d, R2, "fsgnj.d") X(fsgnjn_d, R2, "fsgnjn.d")                       \
  X(fsgnjx_d, R2, "fsgnjx.d") X(feq_d, X2, "feq.d") X(flt_d, X2, "flt.d")     \
  X(fle_d, X2, "fle.d") X(fclass_d, X1, "fclass.d")                           \
  X(fcvt_w_d, X1, "fcvt.w.d") X(fcvt_wu_d, X1, "fcvt.wu.d")                   \
  X(fcvt_l_d, X1, "fcvt.l.d") X(fcvt_lu_d, X1, "fcvt.lu.d")                   \
  X(fcvt_d_w, F1, "fcvt.d.w") X(fcvt_d_wu, F1, "fcvt.d.wu")                   \
  X(fcvt_d_l, F1, "fcvt.d.l") X(fcvt_d_lu, F1, "fcvt.d.lu")                   \
  X(fmv_x_d, X1, "fmv.x.d") X(fmv_d_x, F1, "fmv.d.x")                         \
  X(fcvt_s_d, R1, "fcvt.s.d") X(fcvt_d_s, R1, "fcvt.d.s")

#define ENUM(id, shape, insn) OP_##id,
enum { OPS(ENUM) OP_COUNT };
#define NAME(id, shape, insn) insn,
static const char *const names[] = {OPS(NAME)};

static int streq(const char *a, const char *b) {
  while (*a && *a == *b) a++, b++;
  return *a == *b;
}

static int lookup(const char *s) {
  for (int i = 0; i < OP_COUNT; i++)
    if (streq(s, names[i])) return i;
  return -1;
}

static long sys3(long n, long a, long b, long c) {
  register long a0 asm("a0") = a, a1 asm("a1") = b, a2 asm("a2") = c, a7 asm("a7") = n;
  asm volatile("ecall" : "+r"(a0) : "r"(a1), "r"(a2), "r"(a7) : "memory");
  return a0;
}

static char inbuf[1 << 16], outbuf[1 << 16];
static long inlen, inpos, outlen;
static int eof;

static int getch(void) {
  if (inpos == inlen) {
    if (eof) return -1;
    inlen = sys3(63 /* read */, 0, (long)inbuf, sizeof inbuf);
    inpos = 0;
    if (inlen <= 0) { eof = 1; inlen = 0; return -1; }
  }
  return (unsigned char)inbuf[inpos++];
}

static void flush(void) {
  long off = 0;
  while (off < outlen) {
    long n = sys3(64 /* write */, 1, (long)outbuf + off, outlen - off);
    if (n <= 0) break;
    off += n;
  }
  outlen = 0;
}

static void putch(char c) {
  if (outlen == sizeof outbuf) flush();
  outbuf[outlen++] = c;
}

static void puts_(const char *s) {
  while (*s) putch(*s++);
}

static void puthex(u64 v, int digits) {
  for (int i = digits - 1; i >= 0; i--) putch("0123456789abcdef"[(v >> (4 * i)) & 15]);
}

/* Reads one line into words; returns the word count, -1 at end of input. */
static int readline(char words[5][32]) {
  int n = 0, len = 0, c;
  for (;;) {
    c = getch();
    if (c == -1 && n == 0 && len == 0) return -1;
    if (c == -1 || c == '\n' || c == ' ' || c == '\t' || c == '\r') {
      if (len > 0) {
        if (n < 5) words[n][len < 31 ? len : 31] = 0;
        n++;
        len = 0;
      }
      if (c == -1 || c == '\n') return n;
      continue;
    }
    if (n < 5 && len < 31) words[n][len] = (char)c;
    len++;
  }
}

static int parsehex(const char *s, u64 *out) {
  u64 v = 0;
  if (!*s) return 0;
  for (; *s; s++) {
    int d = *s >= '0' && *s <= '9' ? *s - '0' : *s >= 'a' && *s <= 'f' ? *s - 'a' + 10
          : *s >= 'A' && *s <= 'F' ? *s - 'A' + 10 : -1;
    if (d < 0) return 0;
    v = v << 4 | (u64)d;
  }
  *out = v;
  return 1;
}

static void run(void) {
  char w[5][32];
  int n;
  while ((n = readline(w)) >= 0) {
    u64 rm = 0, a = 0, b = 0, c = 0, r = 0, fl = 0;
    if (n != 5 || !parsehex(w[1], &rm) || rm > 4 || !parsehex(w[2], &a) || !parsehex(w[3], &b) ||
        !parsehex(w[4], &c)) {
      puts_("error\n");
      continue;
    }
    switch (lookup(w[0])) {
#define CASE(id, shape, insn) \
  case OP_##id:               \
    shape(insn);              \
    break;
      OPS(CASE)
      default:
        puts_("error\n");
        continue;
    }
    puthex(r, 16);
    putch(' ');
    puthex(fl, 2);
    putch('\n');
  }
  flush();
}

void _start(void) {
  asm volatile(".option push\n.option norelax\nla gp, __global_pointer$\n.option pop");
  run();
  sys3(93 /* exit */, 0, 0, 0);
  for (;;) {}
}
