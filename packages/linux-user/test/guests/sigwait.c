/* Waiting for signals (glibc, static, one helper thread): sigpending, sigtimedwait with
 * and without a timeout, sigsuspend's temporary mask and the mask restored after its
 * handler, and a blocking call (pipe read, nanosleep, poll) interrupted by a handled
 * signal (EINTR) or, with SA_RESTART, a read that goes on; SIGPIPE ignored, handled and
 * by default (the end: status 141). The test compares the output
 * with qemu-riscv64-static's. (si_code is printed only as "sent by a user": QEMU 7.2
 * reports SI_USER for tgkill, Linux SI_TKILL.) */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t got;
static volatile int handler_saw_usr2_blocked;
static pthread_t main_thread;

static void handler(int sig) {
  sigset_t cur;
  pthread_sigmask(SIG_BLOCK, NULL, &cur);
  handler_saw_usr2_blocked = sigismember(&cur, SIGUSR2);
  got = sig;
}

static void *sender(void *arg) {
  int sig = (int)(long)arg;
  struct timespec ts = {0, 200 * 1000 * 1000}; /* long enough for the main thread to be waiting, even under wasmu on a loaded machine */
  nanosleep(&ts, NULL);
  pthread_kill(main_thread, sig);
  return NULL;
}

static void *writer(void *arg) {
  struct timespec ts = {0, 500 * 1000 * 1000};
  nanosleep(&ts, NULL);
  write((int)(long)arg, "x", 1);
  return NULL;
}

static pthread_t later(int sig) {
  pthread_t th;
  pthread_create(&th, NULL, sender, (void *)(long)sig);
  return th;
}

static void show(const char *what, long r) {
  if (r < 0) printf("%s: -1 errno=%d\n", what, errno);
  else printf("%s: %ld\n", what, r);
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  main_thread = pthread_self();
  sigset_t usr1, usr2, none, cur;
  sigemptyset(&usr1);
  sigaddset(&usr1, SIGUSR1);
  sigemptyset(&usr2);
  sigaddset(&usr2, SIGUSR2);
  sigemptyset(&none);

  sigprocmask(SIG_BLOCK, &usr1, NULL);
  raise(SIGUSR1);
  sigset_t p;
  sigpending(&p);
  printf("pending usr1=%d usr2=%d\n", sigismember(&p, SIGUSR1), sigismember(&p, SIGUSR2));
  siginfo_t si;
  struct timespec zero = {0, 0};
  int r = sigtimedwait(&usr1, &si, &zero);
  printf("sigtimedwait: %d signo=%d user=%d pid_ok=%d\n", r, si.si_signo, si.si_code <= 0, si.si_pid == getpid());
  struct timespec short_ = {0, 20 * 1000 * 1000};
  show("sigtimedwait timeout", sigtimedwait(&usr1, &si, &short_));
  pthread_t th = later(SIGUSR1);
  r = sigwaitinfo(&usr1, &si);
  printf("sigwaitinfo from a thread: %d user=%d\n", r, si.si_code <= 0);
  pthread_join(th, NULL);

  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = handler;
  sigaction(SIGUSR2, &sa, NULL);
  sigprocmask(SIG_BLOCK, &usr2, NULL);
  th = later(SIGUSR2);
  r = sigsuspend(&none);
  printf("sigsuspend: %d errno=%d got=%d handler saw usr2 blocked=%d\n", r, errno, got, handler_saw_usr2_blocked);
  pthread_sigmask(SIG_BLOCK, NULL, &cur);
  printf("after: usr1 blocked=%d usr2 blocked=%d\n", sigismember(&cur, SIGUSR1), sigismember(&cur, SIGUSR2));
  pthread_join(th, NULL);
  sigprocmask(SIG_UNBLOCK, &usr2, NULL);

  int fds[2];
  pipe(fds);
  char c;
  got = 0;
  th = later(SIGUSR2);
  show("read interrupted", read(fds[0], &c, 1));
  printf("got=%d\n", got);
  pthread_join(th, NULL);
  got = 0;
  th = later(SIGUSR2);
  struct timespec long_ = {5, 0}, rem = {0, 0};
  show("nanosleep interrupted", nanosleep(&long_, &rem));
  printf("got=%d rem<5s=%d rem>4s=%d\n", got, rem.tv_sec < 5, rem.tv_sec >= 4);
  pthread_join(th, NULL);
  got = 0;
  th = later(SIGUSR2);
  struct pollfd pf = {fds[0], POLLIN, 0};
  show("poll interrupted", poll(&pf, 1, 5000));
  printf("got=%d\n", got);
  pthread_join(th, NULL);

  sa.sa_flags = SA_RESTART;
  sigaction(SIGUSR2, &sa, NULL);
  got = 0;
  th = later(SIGUSR2);
  pthread_t w;
  pthread_create(&w, NULL, writer, (void *)(long)fds[1]);
  show("read with SA_RESTART", read(fds[0], &c, 1));
  printf("got=%d c=%c\n", got, c);
  pthread_join(th, NULL);
  pthread_join(w, NULL);

  /* SIGPIPE: ignored (EPIPE), handled (EPIPE, then the handler), default (the process dies, status 141). */
  int q[2];
  pipe(q);
  close(q[0]);
  signal(SIGPIPE, SIG_IGN);
  show("write to a pipe without readers, SIGPIPE ignored", write(q[1], "x", 1));
  got = 0;
  signal(SIGPIPE, handler);
  show("write to a pipe without readers, SIGPIPE handled", write(q[1], "x", 1));
  printf("got=%d\n", got);
  signal(SIGPIPE, SIG_DFL);
  write(q[1], "x", 1);
  printf("not reached\n");
  return 0;
}
