/*
 * glibc, static: what a handled signal does to a call that waits, as Linux decides it
 * (signal(7), "Interruption of system calls and library functions by signal handlers").
 * The handler runs while the call waits; then a read restarts if the handler has
 * SA_RESTART (and here finds the byte the handler wrote into the pipe), or fails with
 * EINTR without it; nanosleep and poll are never restarted, SA_RESTART or not.
 * An interval timer (setitimer, ITIMER_REAL) sends SIGALRM 100 ms after each arm.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static int pfd[2];

static void note(int s) { (void)s; write(1, "handler\n", 8); }
static void note_and_feed(int s) { note(s); write(pfd[1], "x", 1); }

static void on_alarm(void (*h)(int), int flags) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = h;
  sa.sa_flags = flags;
  sigaction(SIGALRM, &sa, 0);
  struct itimerval it = { { 0, 0 }, { 0, 100000 } };
  setitimer(ITIMER_REAL, &it, 0);
}

int main(void) {
  setvbuf(stdout, 0, _IONBF, 0);
  if (pipe(pfd) != 0) return 1;
  char c = '-';
  on_alarm(note_and_feed, SA_RESTART);
  ssize_t n = read(pfd[0], &c, 1);
  printf("read, SA_RESTART: %zd '%c'\n", n, c);
  on_alarm(note, 0);
  n = read(pfd[0], &c, 1);
  printf("read, no SA_RESTART: %zd errno=%d\n", n, n < 0 ? errno : 0);
  on_alarm(note, SA_RESTART);
  struct timespec ts = { 5, 0 }, rem = { 0, 0 };
  int r = nanosleep(&ts, &rem);
  printf("nanosleep, SA_RESTART: %d errno=%d, 3 s or more left: %d\n", r, r < 0 ? errno : 0, rem.tv_sec >= 3);
  on_alarm(note, SA_RESTART);
  struct pollfd p = { pfd[0], POLLIN, 0 };
  r = poll(&p, 1, 5000);
  printf("poll, SA_RESTART: %d errno=%d\n", r, r < 0 ? errno : 0);
  return 0;
}
