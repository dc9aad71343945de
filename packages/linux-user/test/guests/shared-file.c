/* MAP_SHARED file mappings reach the file: msync, munmap, mremap (grown, as python's
 * mmap.resize does), and a forked child's writes at its exit. Compared with qemu-riscv64-static. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <sys/wait.h>
int main(void) {
  int fd = open("shm-file", O_RDWR | O_CREAT | O_TRUNC, 0644);
  ftruncate(fd, 8192);
  char *m = mmap(0, 8192, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  strcpy(m, "through the mapping");
  msync(m, 4096, MS_SYNC);
  char b[64] = {0};
  pread(fd, b, 19, 0);
  printf("after msync: %s\n", b);
  strcpy(m + 4096, "second page");
  ftruncate(fd, 16384);
  char *m2 = mremap(m, 8192, 16384, MREMAP_MAYMOVE);
  strcpy(m2 + 12288, "grown");
  munmap(m2, 16384);
  pread(fd, b, 11, 4096); b[11] = 0;
  printf("after munmap: %s\n", b);
  pread(fd, b, 5, 12288); b[5] = 0;
  printf("grown part: %s\n", b);
  m = mmap(0, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  if (fork() == 0) { strcpy(m, "child wrote"); _exit(0); }
  wait(0);
  pread(fd, b, 11, 0); b[11] = 0;
  printf("after child exit: %s\n", b);
  unlink("shm-file");
  return 0;
}
