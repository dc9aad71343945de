/*
 * Translated code across fork (README.md, process model: a child starts with a copy of
 * its parent's TBs). Generated code in an RWX page, patched by the parent or the child
 * after fork: each process sees its own bytes, never the other's, whichever translated
 * first. Also a pool-reused environment: many children in turn, each patching the code
 * its predecessor's environment had translated. Output compared with qemu-riscv64-static.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

typedef long (*fn)(void);

/* li a0, imm (addi a0, x0, imm); ret */
static void emit(uint32_t *code, int imm) {
  code[0] = ((uint32_t)(imm & 0xfff) << 20) | (10u << 7) | 0x13u;
  code[1] = 0x00008067u;
  __builtin___clear_cache((char *)code, (char *)(code + 2));
}

static long calls(fn f, int n) {
  long s = 0;
  for (int i = 0; i < n; i++) s += f();
  return s;
}

static int child_status(pid_t pid) {
  int st = 0;
  if (waitpid(pid, &st, 0) != pid) return -1;
  return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

int main(void) {
  uint32_t *code = mmap(0, 4096, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (code == MAP_FAILED) return 1;
  fn f = (fn)(void *)code;
  emit(code, 1);
  printf("parent before fork: %ld\n", calls(f, 10));
  fflush(stdout);

  /* The child runs the parent's code as it is, then patches it. */
  pid_t pid = fork();
  if (pid == 0) {
    printf("child, unpatched: %ld\n", calls(f, 10));
    emit(code, 2);
    printf("child, patched: %ld\n", calls(f, 10));
    fflush(stdout);
    _exit((int)calls(f, 3));
  }
  printf("child exit: %d\n", child_status(pid));
  printf("parent after child's patch: %ld\n", calls(f, 10));

  /* The parent patches after fork; the child keeps the old bytes. */
  int go[2];
  if (pipe(go) != 0) return 1;
  fflush(stdout);
  pid = fork();
  if (pid == 0) {
    char c;
    close(go[1]);
    if (read(go[0], &c, 1) != 1) _exit(99);
    printf("child after parent's patch: %ld\n", calls(f, 10));
    fflush(stdout);
    _exit(0);
  }
  close(go[0]);
  emit(code, 5);
  printf("parent patched: %ld\n", calls(f, 10));
  fflush(stdout);
  if (write(go[1], "x", 1) != 1) return 1;
  close(go[1]);
  printf("child exit: %d\n", child_status(pid));

  /* Children in turn, each changing the code to its own value. */
  long total = 0;
  for (int i = 0; i < 20; i++) {
    fflush(stdout);
    pid = fork();
    if (pid == 0) {
      long before = calls(f, 2);
      emit(code, 10 + i);
      _exit((int)(before / 2 == 5 ? calls(f, 1) : 0));
    }
    total += child_status(pid);
  }
  printf("20 children: %ld (expect %d)\n", total, 20 * 10 + 190);
  printf("parent at the end: %ld\n", calls(f, 1));
  return 0;
}
