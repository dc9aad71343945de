/*
 * No libc: prints argc, argv, envp and the auxv types/values found on the initial stack,
 * then whether sp was 16-byte aligned, using raw syscalls only. Position independent
 * (no pointer tables), so it also builds as a static PIE.
 */
typedef unsigned long u64;

static long sys3(long n, long a, long b, long c) {
  register long a0 asm("a0") = a;
  register long a1 asm("a1") = b;
  register long a2 asm("a2") = c;
  register long a7 asm("a7") = n;
  asm volatile("ecall" : "+r"(a0) : "r"(a1), "r"(a2), "r"(a7) : "memory");
  return a0;
}

static u64 len(const char *s) { u64 n = 0; while (s[n]) n++; return n; }
static void puts_(const char *s) { sys3(64, 1, (long)s, (long)len(s)); }
static void hex(u64 v) {
  char b[19];
  b[0] = '0'; b[1] = 'x';
  int i = 18, n = 0;
  char t[16];
  do { int d = v & 15; t[n++] = d < 10 ? '0' + d : 'a' + d - 10; v >>= 4; } while (v);
  i = 2;
  while (n) b[i++] = t[--n];
  b[i] = 0;
  puts_(b);
}

void cmain(u64 *sp) {
  u64 argc = sp[0];
  char **argv = (char **)(sp + 1);
  char **envp = argv + argc + 1;
  puts_("sp%16="); hex((u64)sp & 15); puts_("\nargc="); hex(argc); puts_("\n");
  for (u64 i = 0; i < argc; i++) { puts_("argv: "); puts_(argv[i]); puts_("\n"); }
  char **e = envp;
  while (*e) { puts_("env: "); puts_(*e); puts_("\n"); e++; }
  u64 *aux = (u64 *)(e + 1);
  for (; aux[0] != 0; aux += 2) {
    puts_("aux "); hex(aux[0]);
    /* Types whose values do not depend on where things were loaded. */
    if (aux[0] == 6 || aux[0] == 16 || aux[0] == 17 || aux[0] == 4 || aux[0] == 5 || aux[0] == 11 || aux[0] == 23) { puts_(" "); hex(aux[1]); }
    puts_("\n");
  }
  sys3(94, 0, 0, 0);
}

asm(".globl _start\n_start:\n mv a0, sp\n call cmain\n");
