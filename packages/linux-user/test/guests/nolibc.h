/*
 * What the no-libc guest programs share: the raw system call (riscv64 Linux ABI: number
 * in a7, arguments in a0..a5, result in a0) and output of strings and numbers to fd 1.
 */
#ifndef NOLIBC_H
#define NOLIBC_H

typedef unsigned long u64;

static inline long sys(long n, long a, long b, long c, long d, long e, long f) {
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

static inline u64 len(const char *s) { u64 n = 0; while (s[n]) n++; return n; }
static inline void out(const char *s) { sys(64 /* write */, 1, (long)s, (long)len(s), 0, 0, 0); }

/* Unsigned decimal. */
static inline void num(u64 v) {
  char b[24]; int i = 23; b[i] = 0;
  do { b[--i] = '0' + v % 10; v /= 10; } while (v);
  out(b + i);
}

/* 0x-prefixed lower-case hexadecimal. */
static inline void hex(u64 v) {
  char b[20];
  int i = 19;
  b[i] = 0;
  do { b[--i] = "0123456789abcdef"[v & 15]; v >>= 4; } while (v);
  b[--i] = 'x';
  b[--i] = '0';
  out(b + i);
}

#endif
