/*
 * Job control on the controlling terminal (run under `script`, so that stdin is a
 * terminal): tcgetpgrp/tcsetpgrp/tcgetsid and their errors, a child made the foreground
 * group, and a Ctrl-C typed on the terminal (the test writes \003 once "ready" is
 * printed) reaching the foreground group only. Prints relations, not pids, so that the
 * output is compared with qemu-riscv64-static's line by line.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

static volatile sig_atomic_t got;
static void on_int(int s) { (void)s; got = 1; }

static const char *err(int r) { return r < 0 ? strerror(errno) : "ok"; }

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  printf("tty: %d\n", isatty(0));
  printf("fg is my group: %d\n", tcgetpgrp(0) == getpgrp());
  pid_t sid = tcgetsid(0);
  printf("sid is my session: %d (%s)\n", sid == getsid(0), err(sid));
  signal(SIGTTOU, SIG_IGN);
  signal(SIGINT, on_int);
  printf("tcsetpgrp -1: %s\n", err(tcsetpgrp(0, -1)));
  printf("tcsetpgrp unknown: %s\n", err(tcsetpgrp(0, 0x3ffffff0)));

  int go[2], back[2];
  if (pipe(go) != 0 || pipe(back) != 0) return 1;
  pid_t c = fork();
  if (c == 0) {
    char ch;
    setpgid(0, 0);
    if (read(go[0], &ch, 1) != 1) _exit(2);
    printf("child: fg is my group: %d\n", tcgetpgrp(0) == getpgrp());
    printf("ready\n");
    for (int i = 0; i < 6000 && !got; i++) usleep(10000);
    printf("child: SIGINT %d\n", (int)got);
    if (write(back[1], "x", 1) != 1) _exit(3);
    _exit(0);
  }
  setpgid(c, c);
  printf("tcsetpgrp child: %s\n", err(tcsetpgrp(0, c)));
  printf("fg is the child's group: %d\n", tcgetpgrp(0) == c);
  if (write(go[1], "x", 1) != 1) return 1;
  char ch;
  if (read(back[0], &ch, 1) != 1) return 1;
  int st;
  waitpid(c, &st, 0);
  printf("child exited %d, parent SIGINT %d\n", WEXITSTATUS(st), (int)got);
  printf("tcsetpgrp back: %s\n", err(tcsetpgrp(0, getpgrp())));
  printf("fg is my group again: %d\n", tcgetpgrp(0) == getpgrp());

  /* A child in a session of its own has no controlling terminal. */
  c = fork();
  if (c == 0) {
    setsid();
    int r = tcgetpgrp(0);
    printf("after setsid: tcgetpgrp %s\n", err(r));
    _exit(0);
  }
  waitpid(c, &st, 0);
  /* A group of another session cannot become the foreground. */
  if (pipe(go) != 0 || pipe(back) != 0) return 1;
  c = fork();
  if (c == 0) {
    char x;
    setsid();
    if (write(back[1], "x", 1) != 1) _exit(3);
    if (read(go[0], &x, 1) != 1) _exit(2);
    _exit(0);
  }
  if (read(back[0], &ch, 1) != 1) return 1;
  printf("tcsetpgrp other session: %s\n", err(tcsetpgrp(0, c)));
  if (write(go[1], "x", 1) != 1) return 1;
  waitpid(c, &st, 0);
  return 0;
}
