/* fork cost against the parent's memory: maps MAPPED MiB of anonymous memory, writes one
 * byte in each page of the first TOUCHED MiB, then runs N times fork + _exit + waitpid,
 * and (with -v) prints the mean microseconds per fork+wait. Usage:
 *   forkbench MAPPED_MIB TOUCHED_MIB N [-v]
 * With EXEC set to a path, each child execs it instead of exiting (fork+exec+wait). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv) {
  if (argc < 4) { fprintf(stderr, "usage: forkbench MAPPED_MIB TOUCHED_MIB N [-v]\n"); return 2; }
  size_t mapped = strtoul(argv[1], 0, 0) << 20, touched = strtoul(argv[2], 0, 0) << 20;
  int n = atoi(argv[3]);
  int verbose = argc > 4 && strcmp(argv[4], "-v") == 0;
  const char *exe = getenv("EXEC");
  char *m = mapped ? mmap(0, mapped, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) : 0;
  if (m == MAP_FAILED) { perror("mmap"); return 1; }
  for (size_t o = 0; o < touched && o < mapped; o += 4096) m[o] = (char)(o >> 12 | 1);
  struct timespec a, b;
  clock_gettime(CLOCK_MONOTONIC, &a);
  long sum = 0;
  for (int i = 0; i < n; i++) {
    pid_t p = fork();
    if (p == 0) {
      if (exe) { execl(exe, exe, (char *)0); _exit(127); }
      _exit(touched ? m[touched - 4096] & 1 : 1);
    }
    int st;
    waitpid(p, &st, 0);
    sum += WEXITSTATUS(st);
  }
  clock_gettime(CLOCK_MONOTONIC, &b);
  double us = ((b.tv_sec - a.tv_sec) * 1e9 + (b.tv_nsec - a.tv_nsec)) / 1e3 / (n ? n : 1);
  if (verbose) printf("%.0f us per fork+wait (mapped %zu MiB, touched %zu MiB)\n", us, mapped >> 20, touched >> 20);
  printf("%ld\n", sum);
  return 0;
}
