/* Dynamically linked (PIE, glibc through ld-linux-riscv64-lp64d.so.1): prints and exits 3. */
#include <stdio.h>
int main(int argc, char **argv) {
  printf("hello from %s, argc=%d\n", argv[0], argc);
  return 3;
}
