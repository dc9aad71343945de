/* Threads for the no-libc guests (include after nolibc.h). */
#ifndef NOLIBC_THREAD_H
#define NOLIBC_THREAD_H

/*
 * A thread made with raw clone(CLONE_VM|FS|FILES|SIGHAND|THREAD|SYSVSEM|SETTLS|
 * PARENT_SETTID|CHILD_CLEARTID): the child calls worker(i) on the stack that ends at
 * `stack_top` and never returns here; the parent gets the child's tid. The program
 * defines `void worker(long i)`, which must end with the exit system call.
 */
void worker(long i);
static inline long spawn_thread(long i, char *stack_top, volatile int *ptid, long *tls, volatile int *ctid) {
  long flags = 0x100 | 0x200 | 0x400 | 0x800 | 0x10000 | 0x40000 | 0x80000 | 0x100000 | 0x200000;
  register long a0 asm("a0") = flags;
  register long a1 asm("a1") = (long)stack_top;
  register long a2 asm("a2") = (long)ptid;
  register long a3 asm("a3") = (long)tls;
  register long a4 asm("a4") = (long)ctid;
  register long a7 asm("a7") = 220;
  register long s1 asm("s1") = i;
  asm volatile("ecall\n bnez a0, 1f\n mv a0, s1\n call worker\n1:"
               : "+r"(a0) : "r"(a1), "r"(a2), "r"(a3), "r"(a4), "r"(a7), "r"(s1) : "memory", "ra");
  return a0;
}

#endif
