/*
 * Catching SIGSEGV / SIGBUS in the no-libc guests (include after nolibc.h): the system
 * call numbers and PROT_* values they use, sigsetjmp/siglongjmp (sigjmp.h), and a
 * SA_SIGINFO handler that records si_signo, si_code and si_addr (siginfo offsets 0, 8,
 * 16) and jumps back to the last SIGSETJMP(fault_env).
 */
#ifndef FAULT_CATCH_H
#define FAULT_CATCH_H

enum { SYS_write = 64, SYS_exit_group = 94, SYS_rt_sigaction = 134, SYS_rt_sigprocmask = 135, SYS_munmap = 215, SYS_mmap = 222, SYS_mprotect = 226 };
enum { PROT_NONE = 0, PROT_READ = 1, PROT_WRITE = 2, PROT_EXEC = 4, PAGE = 4096 };

#include "sigjmp.h"

static struct jmpbuf fault_env;
static volatile int got_sig, got_code;
static volatile u64 got_addr;

static void on_fault(int sig, char *info, char *uc) {
  (void)uc;
  got_sig = sig;
  got_code = *(int *)(info + 8);
  got_addr = *(u64 *)(info + 16);
  siglongjmp_(&fault_env, 1);
}

/* A 64-bit load and store the compiler cannot move or drop (the accesses that fault). */
static inline u64 load64(u64 a) { u64 v; asm volatile("ld %0, 0(%1)" : "=r"(v) : "r"(a) : "memory"); return v; }
static inline void store64(u64 a, u64 v) { asm volatile("sd %0, 0(%1)" :: "r"(v), "r"(a) : "memory"); }

/* The kernel's struct sigaction (rt_sigaction). */
struct ksigaction { void *handler; u64 flags; u64 mask; };

#endif
