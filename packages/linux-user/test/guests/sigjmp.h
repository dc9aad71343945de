/*
 * sigsetjmp / siglongjmp for the no-libc guests (include after nolibc.h, with
 * SYS_rt_sigprocmask defined): the callee-saved registers, then the signal mask.
 */
#ifndef SIGJMP_H
#define SIGJMP_H

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
static inline void siglongjmp_(struct jmpbuf *b, int v) {
  sys(SYS_rt_sigprocmask, 2 /* SIG_SETMASK */, (long)&b->mask, 0, 8, 0, 0);
  restore_regs(b, v);
}

#endif
