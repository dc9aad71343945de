/* Process creation and its semantics, as glibc programs use them: fork and wait status
 * words, SIGCHLD, waitid, WNOHANG, ECHILD, pipes and shared file offsets across fork,
 * getppid, process groups and kill to a group, setsid, vfork, exec errors, posix_spawn.
 * Its output is compared with qemu-riscv64-static's (which forks on the host), so it runs
 * no riscv64 program through execve (QEMU would hand that to the host kernel). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;
static volatile sig_atomic_t chld_count, chld_code, chld_status;

static void on_chld(int sig, siginfo_t *si, void *uc) {
  (void)sig; (void)uc;
  chld_count++;
  chld_code = si->si_code;
  chld_status = si->si_status;
}

static void show(const char *what, int st) {
  if (WIFEXITED(st)) printf("%s: exited %d\n", what, WEXITSTATUS(st));
  else if (WIFSIGNALED(st)) printf("%s: killed by %d core=%d\n", what, WTERMSIG(st), WCOREDUMP(st) ? 1 : 0);
  else printf("%s: status 0x%x\n", what, st);
}

static pid_t child_exit(int code) {
  pid_t p = fork();
  if (p == 0) _exit(code);
  return p;
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  int st;
  pid_t me = getpid();

  /* No children yet. */
  errno = 0;
  printf("wait none: %d errno=%d\n", (int)wait(&st), errno);

  /* Exit codes and signal deaths. */
  pid_t p = child_exit(3);
  printf("waitpid match: %d\n", waitpid(p, &st, 0) == p);
  show("exit 3", st);
  p = child_exit(256 + 7);
  waitpid(p, &st, 0);
  show("exit 263", st);
  p = fork();
  if (p == 0) { kill(getpid(), SIGTERM); for (;;) pause(); }
  waitpid(p, &st, 0);
  show("SIGTERM", st);
  p = fork();
  if (p == 0) { *(volatile int *)0 = 1; _exit(0); }
  waitpid(p, &st, 0);
  show("SIGSEGV", st);
  p = fork();
  if (p == 0) { abort(); }
  waitpid(p, &st, 0);
  show("abort", st);

  /* getppid, and the child's own pid. */
  int fds[2];
  pipe(fds);
  p = fork();
  if (p == 0) {
    char b[64];
    int n = snprintf(b, sizeof b, "%d %d", getppid() == me, getpid() != me);
    write(fds[1], b, n);
    _exit(0);
  }
  close(fds[1]);
  char buf[128] = {0};
  int n = read(fds[0], buf, sizeof buf - 1);
  printf("child sees parent: %.*s\n", n, buf);
  n = read(fds[0], buf, sizeof buf);
  printf("pipe EOF after child exit: %d\n", n);
  close(fds[0]);
  waitpid(p, &st, 0);

  /* SIGCHLD with its siginfo. */
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = on_chld;
  sa.sa_flags = SA_SIGINFO | SA_RESTART;
  sigaction(SIGCHLD, &sa, NULL);
  p = child_exit(5);
  waitpid(p, &st, 0);
  printf("SIGCHLD: count=%d code=%d status=%d\n", chld_count, chld_code, chld_status);
  p = fork();
  if (p == 0) { raise(SIGKILL); _exit(1); }
  waitpid(p, &st, 0);
  printf("SIGCHLD: count=%d code=%d status=%d\n", chld_count, chld_code, chld_status);
  signal(SIGCHLD, SIG_DFL);

  /* waitid, WNOWAIT, WNOHANG while the child still runs. */
  pipe(fds);
  p = fork();
  if (p == 0) { char c; close(fds[1]); read(fds[0], &c, 1); _exit(9); }
  close(fds[0]);
  printf("WNOHANG running: %d\n", (int)waitpid(p, &st, WNOHANG));
  siginfo_t si;
  memset(&si, 0x55, sizeof si);
  printf("waitid WNOHANG running: %d pid=%d\n", waitid(P_PID, p, &si, WEXITED | WNOHANG), si.si_pid);
  write(fds[1], "x", 1);
  close(fds[1]);
  memset(&si, 0, sizeof si);
  printf("waitid WNOWAIT: %d\n", waitid(P_PID, p, &si, WEXITED | WNOWAIT));
  printf("  signo=%d code=%d status=%d pid-match=%d\n", si.si_signo, si.si_code, si.si_status, si.si_pid == p);
  memset(&si, 0, sizeof si);
  printf("waitid: %d code=%d status=%d\n", waitid(P_ALL, 0, &si, WEXITED), si.si_code, si.si_status);
  errno = 0;
  printf("reaped: %d errno=%d\n", (int)waitpid(p, &st, 0), errno);
  errno = 0;
  printf("waitid bad options: %d errno=%d\n", waitid(P_ALL, 0, &si, 0), errno);

  /* A shared file offset across fork. */
  char path[] = "procs-offset.txt";
  int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
  p = fork();
  if (p == 0) { write(fd, "child,", 6); _exit(0); }
  waitpid(p, &st, 0);
  write(fd, "parent\n", 7);
  lseek(fd, 0, SEEK_SET);
  n = read(fd, buf, sizeof buf);
  printf("shared offset: %.*s", n, buf);
  close(fd);
  unlink(path);

  /* Process groups: two children in a new group, killed together. */
  pid_t a = fork();
  if (a == 0) { setpgid(0, 0); for (;;) pause(); }
  setpgid(a, a);
  pid_t b = fork();
  if (b == 0) { setpgid(0, a); for (;;) pause(); }
  setpgid(b, a);
  printf("pgids: %d %d\n", getpgid(a) == a, getpgid(b) == a);
  printf("kill group: %d\n", kill(-a, SIGTERM));
  waitpid(a, &st, 0);
  show("group member a", st);
  waitpid(b, &st, 0);
  show("group member b", st);
  errno = 0;
  printf("kill gone group: %d errno=%d\n", kill(-a, SIGTERM), errno);
  errno = 0;
  printf("setpgid other: %d errno=%d\n", setpgid(1, 0), errno);

  /* setsid in a child: a new session and group. */
  pipe(fds);
  p = fork();
  if (p == 0) {
    pid_t s = setsid();
    char b2[64];
    int k = snprintf(b2, sizeof b2, "%d %d %d", s == getpid(), getsid(0) == getpid(), getpgrp() == getpid());
    write(fds[1], b2, k);
    errno = 0;
    s = setsid();
    k = snprintf(b2, sizeof b2, " again=%d errno=%d", (int)s, errno);
    write(fds[1], b2, k);
    _exit(0);
  }
  close(fds[1]);
  n = read(fds[0], buf, sizeof buf);
  n += read(fds[0], buf + n, sizeof buf - n);
  printf("setsid: %.*s\n", n, buf);
  close(fds[0]);
  waitpid(p, &st, 0);

  /* vfork: the parent waits for the child's _exit. */
  p = vfork();
  if (p == 0) _exit(4);
  waitpid(p, &st, 0);
  show("vfork", st);

  /* execve errors, in a child (ENOENT, EACCES for a directory and a non-executable file, ENOEXEC). */
  int fdw = open("procs-noexec.txt", O_WRONLY | O_CREAT | O_TRUNC, 0644);
  write(fdw, "just text\n", 10);
  close(fdw);
  symlink("procs-noexec.txt", "procs-link");
  int fdx = open("procs-textexec.txt", O_WRONLY | O_CREAT | O_TRUNC, 0755);
  write(fdx, "\x7f" "ELFbroken", 10);
  close(fdx);
  const char *paths[] = {"/nonexistent/prog", "/", "procs-noexec.txt", "procs-link", "procs-textexec.txt", ""};
  for (unsigned i = 0; i < sizeof paths / sizeof *paths; i++) {
    char *args[] = {"x", NULL};
    errno = 0;
    execve(paths[i], args, environ);
    printf("execve '%s': errno=%d\n", paths[i], errno);
  }
  unlink("procs-noexec.txt");
  unlink("procs-link");
  unlink("procs-textexec.txt");

  /* posix_spawn (clone(CLONE_VM|CLONE_VFORK)): a missing program. */
  pid_t sp;
  char *sargs[] = {"nope", NULL};
  int r = posix_spawn(&sp, "/nonexistent/prog", NULL, NULL, sargs, environ);
  printf("posix_spawn missing: %d\n", r);

  /* 100 children, one after another. */
  int sum = 0;
  for (int i = 0; i < 100; i++) {
    p = child_exit(i & 0x7f);
    waitpid(p, &st, 0);
    sum += WEXITSTATUS(st);
  }
  printf("100 children: sum=%d\n", sum);
  return 0;
}
