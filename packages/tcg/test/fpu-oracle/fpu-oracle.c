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
 * Build: ./build.sh (riscv64-linux-gnu-gcc -O2 -static).
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <inttypes.h>

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

static int lookup(const char *s) {
  for (int i = 0; i < OP_COUNT; i++)
    if (strcmp(s, names[i]) == 0) return i;
  return -1;
}

int main(void) {
  static char out[1 << 16];
  setvbuf(stdout, out, _IOFBF, sizeof out);
  char line[256], opname[32];
  while (fgets(line, sizeof line, stdin)) {
    u64 rm = 0, a = 0, b = 0, c = 0, r = 0, fl = 0;
    if (sscanf(line, "%31s %" SCNu64 " %" SCNx64 " %" SCNx64 " %" SCNx64, opname, &rm, &a,
               &b, &c) != 5 || rm > 4) {
      puts("error");
      continue;
    }
    switch (lookup(opname)) {
#define CASE(id, shape, insn) \
  case OP_##id:               \
    shape(insn);              \
    break;
      OPS(CASE)
      default:
        puts("error");
        continue;
    }
    printf("%016" PRIx64 " %02" PRIx64 "\n", r, fl);
  }
  return 0;
}
