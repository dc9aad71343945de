/*
 * Stopped processes (job control): SIGSTOP and SIGTSTP stop a child, wait4's WUNTRACED
 * and waitid's WSTOPPED report it (status words, si_code CLD_STOPPED), SIGCHLD says so
 * (and not with SA_NOCLDSTOP), a stopped child makes no progress, SIGCONT continues it
 * (WCONTINUED, CLD_CONTINUED) and a blocking read in it goes on, a handled SIGTSTP does
 * not stop, SIGKILL ends a stopped child. Compared with qemu-riscv64-static.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile sig_atomic_t chld_code, chld_status, chld_count;
static void on_chld(int s, siginfo_t *si, void *u) {
  (void)s; (void)u;
  chld_code = si->si_code;
  chld_status = si->si_status;
  chld_count++;
}
static volatile sig_atomic_t tstp;
static void on_tstp(int s) { (void)s; tstp = 1; }

static void show(const char *what, pid_t c, int st, pid_t r) {
  printf("%s: %s", what, r == c ? "pid ok" : "pid?");
  if (WIFSTOPPED(st)) printf(" stopped by %d", WSTOPSIG(st));
  else if (WIFCONTINUED(st)) printf(" continued");
  else if (WIFEXITED(st)) printf(" exited %d", WEXITSTATUS(st));
  else if (WIFSIGNALED(st)) printf(" killed by %d", WTERMSIG(st));
  printf(" (status %#x)\n", st);
}

/* Waits for a SIGCHLD to have arrived (bounded), then prints what it said. */
static void chld(const char *what) {
  for (int i = 0; i < 3000 && chld_count == 0; i++) usleep(10000);
  printf("%s: SIGCHLD x%d code %d status %d\n", what, (int)chld_count, (int)chld_code, (int)chld_status);
  chld_count = 0;
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = on_chld;
  sa.sa_flags = SA_SIGINFO | SA_RESTART;
  sigaction(SIGCHLD, &sa, 0);

  int p[2], q[2];
  if (pipe(p) != 0 || pipe(q) != 0) return 1;
  pid_t c = fork();
  if (c == 0) {
    /* Counts on p; reads a line from q (blocking) when told. In a group of its own, whose
       parent is in another group of the session: never an orphaned group, whatever group
       the program itself was started in (Linux drops SIGTSTP to an orphaned group). */
    setpgid(0, 0);
    close(p[0]);
    close(q[1]);
    for (unsigned n = 0;; n++) {
      char b;
      if (write(p[1], "x", 1) != 1) _exit(9);
      if (n == 50) {
        if (read(q[0], &b, 1) != 1) _exit(8);
        if (write(p[1], &b, 1) != 1) _exit(9);
      }
      usleep(2000);
    }
  }
  setpgid(c, c);
  close(p[1]);
  close(q[0]);
  int st = 0;
  pid_t r;
  char buf[4096];
  kill(c, SIGSTOP);
  r = waitpid(c, &st, WUNTRACED);
  show("SIGSTOP", c, st, r);
  chld("SIGSTOP");
  /* Stopped: no more bytes, once what it wrote before is drained. */
  fcntl(p[0], F_SETFL, O_NONBLOCK);
  while (read(p[0], buf, sizeof buf) > 0) {}
  usleep(100000);
  printf("while stopped: read %s\n", read(p[0], buf, sizeof buf) < 0 && errno == EAGAIN ? "EAGAIN" : "data");
  r = waitpid(c, &st, WUNTRACED | WNOHANG);
  printf("reported once: %d\n", r);
  kill(c, SIGCONT);
  r = waitpid(c, &st, WCONTINUED);
  show("SIGCONT", c, st, r);
  chld("SIGCONT");
  fcntl(p[0], F_SETFL, 0);
  printf("after SIGCONT: read %zd\n", read(p[0], buf, 1));

  /* Stopped while blocked in read, continued, the read goes on. */
  kill(c, SIGTSTP);
  siginfo_t si;
  memset(&si, 0, sizeof si);
  int w = waitid(P_PID, c, &si, WSTOPPED);
  printf("SIGTSTP: waitid %d code %d status %d pid %s\n", w, si.si_code, si.si_status, si.si_pid == c ? "ok" : "?");
  chld("SIGTSTP");
  kill(c, SIGCONT);
  memset(&si, 0, sizeof si);
  w = waitid(P_PID, c, &si, WCONTINUED);
  printf("SIGCONT: waitid %d code %d status %d\n", w, si.si_code, si.si_status);
  chld("SIGCONT 2");
  /* SA_NOCLDSTOP: no SIGCHLD for stops. */
  sa.sa_flags |= SA_NOCLDSTOP;
  sigaction(SIGCHLD, &sa, 0);
  kill(c, SIGSTOP);
  r = waitpid(c, &st, WUNTRACED);
  show("SIGSTOP, SA_NOCLDSTOP", c, st, r);
  usleep(50000);
  printf("SIGCHLD with SA_NOCLDSTOP: %d\n", (int)chld_count);
  kill(c, SIGCONT);
  r = waitpid(c, &st, WCONTINUED);
  show("SIGCONT, SA_NOCLDSTOP", c, st, r);
  if (write(q[1], "L", 1) != 1) return 1;
  /* The child's read returned: it goes on counting. */
  int got = 0;
  for (int i = 0; i < 200 && !got; i++) {
    ssize_t n = read(p[0], buf, 1);
    if (n == 1 && buf[0] == 'L') got = 1;
  }
  printf("read in the child went on: %d\n", got);
  /* SIGKILL ends a stopped child. */
  kill(c, SIGSTOP);
  r = waitpid(c, &st, WUNTRACED);
  show("SIGSTOP again", c, st, r);
  kill(c, SIGKILL);
  r = waitpid(c, &st, 0);
  show("SIGKILL", c, st, r);

  /* A handled SIGTSTP does not stop. */
  if (pipe(q) != 0) return 1;
  c = fork();
  if (c == 0) {
    setpgid(0, 0);
    signal(SIGTSTP, on_tstp);
    if (write(q[1], "r", 1) != 1) _exit(9);
    for (int i = 0; i < 3000 && !tstp; i++) usleep(10000);
    _exit(tstp ? 42 : 1);
  }
  if (read(q[0], buf, 1) != 1) return 1;
  kill(c, SIGTSTP);
  r = waitpid(c, &st, WUNTRACED);
  show("handled SIGTSTP", c, st, r);
  return 0;
}
