/* Robustness probes for issue #11 (glibc, static), each a mode of argv[1]:
 *   cat               copy stdin to stdout; a failed read prints "read: ERRNO" and exits 1
 *   bytes ARG...      each argument and the value of $X as hex bytes, one line each
 *   signals           handlers for SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2,
 *                     SIGWINCH, SIGCONT; prints "ready" and reports each signal as
 *                     "got N"; exits 0 after SIGTERM
 *   wait              prints "ready" and sleeps (default dispositions)
 *   threads N         N threads at once (all alive together, then joined): "threads N ok"
 *                     or "pthread_create I: ERRNO"
 *   syscall           syscall(-1), unknown and out-of-range numbers (also in a thread)
 *   open PATH...      open each path: "fd" or "errno N"; lists the directory "." as hex names
 *   readint           SIGINT handler without SA_RESTART, prints "ready", blocks in read(0):
 *                     "read R errno E got S" (a signal interrupts it: -1, EINTR, 2); then
 *                     reads one byte again: "then R C"
 *   ignored           the signals (1..64) whose disposition is SIG_IGN at start, one line
 *   names T L S       symlink(T, L), then readlink(L) as hex; bind an AF_UNIX socket to
 *                     path S, then getsockname's sun_path as hex; unlinks L and S
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

static void hex(const char *s) {
  for (const unsigned char *p = (const unsigned char *)s; *p; p++) printf("%02x", *p);
  printf("\n");
}

static volatile sig_atomic_t last, count, term;
static void on_signal(int sig) {
  char b[32];
  int n = snprintf(b, sizeof b, "got %d\n", sig);
  write(1, b, n);
  if (sig == SIGTERM) term = 1;
}

static void on_signal_quiet(int sig) { last = sig; }

static void *high_nr(void *arg) {
  (void)arg;
  long r = syscall(0x100000040L, 1, "bad\n", 4);
  printf("thread: syscall(2^32+64) = %ld errno %d\n", r, errno);
  r = syscall(0xffffffffL);
  printf("thread: syscall(0xffffffff) = %ld errno %d\n", r, errno);
  return 0;
}

static pthread_barrier_t barrier;
static void *worker(void *arg) {
  (void)arg;
  pthread_barrier_wait(&barrier);
  return 0;
}

int main(int argc, char **argv) {
  if (argc < 2) return 2;
  const char *mode = argv[1];
  if (!strcmp(mode, "cat")) {
    char buf[4096];
    for (;;) {
      ssize_t n = read(0, buf, sizeof buf);
      if (n < 0) {
        printf("read: %d\n", errno);
        return 1;
      }
      if (n == 0) return 0;
      if (write(1, buf, n) != n) return 3;
    }
  }
  if (!strcmp(mode, "bytes")) {
    for (int i = 2; i < argc; i++) hex(argv[i]);
    const char *x = getenv("X");
    if (x) hex(x);
    return 0;
  }
  if (!strcmp(mode, "signals")) {
    int sigs[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGWINCH, SIGCONT};
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    for (unsigned i = 0; i < sizeof sigs / sizeof sigs[0]; i++) sigaction(sigs[i], &sa, 0);
    write(1, "ready\n", 6);
    while (!term) pause();
    return 0;
  }
  if (!strcmp(mode, "wait")) {
    write(1, "ready\n", 6);
    for (;;) pause();
  }
  if (!strcmp(mode, "threads") && argc > 2) {
    int n = atoi(argv[2]);
    pthread_t *t = calloc(n, sizeof *t);
    pthread_barrier_init(&barrier, 0, n + 1);
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setstacksize(&attr, 64 * 1024);
    for (int i = 0; i < n; i++) {
      int e = pthread_create(&t[i], &attr, worker, 0);
      if (e) {
        printf("pthread_create %d: %d\n", i, e);
        return 1;
      }
    }
    pthread_barrier_wait(&barrier);
    for (int i = 0; i < n; i++) pthread_join(t[i], 0);
    printf("threads %d ok\n", n);
    return 0;
  }
  if (!strcmp(mode, "syscall")) {
    long r = syscall(-1L);
    printf("syscall(-1) = %ld errno %d\n", r, errno);
    r = syscall(0x7fffffffL);
    printf("syscall(0x7fffffff) = %ld errno %d\n", r, errno);
    /* 2^32 + 64 is not write (64): the whole a7 counts, on the main thread and in a thread. */
    r = syscall(0x100000040L, 1, "bad\n", 4);
    printf("syscall(2^32+64) = %ld errno %d\n", r, errno);
    pthread_t t;
    pthread_create(&t, 0, high_nr, 0);
    pthread_join(t, 0);
    return 0;
  }
  if (!strcmp(mode, "open")) {
    for (int i = 2; i < argc; i++) {
      int fd = open(argv[i], O_RDONLY);
      if (fd < 0) printf("errno %d\n", errno);
      else printf("fd\n");
    }
    DIR *d = opendir(".");
    struct dirent *e;
    while (d && (e = readdir(d))) if (e->d_name[0] != '.') hex(e->d_name);
    return 0;
  }
  if (!strcmp(mode, "readint")) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal_quiet;
    sigaction(SIGINT, &sa, 0);
    write(1, "ready\n", 6);
    char c;
    ssize_t r = read(0, &c, 1);
    printf("read %zd errno %d got %d\n", r, r < 0 ? errno : 0, (int)last);
    fflush(stdout);
    r = read(0, &c, 1);
    printf("then %zd %c\n", r, r > 0 ? c : '-');
    return 0;
  }
  if (!strcmp(mode, "ignored")) {
    for (int sig = 1; sig <= 64; sig++) {
      struct sigaction sa;
      if (sigaction(sig, 0, &sa) == 0 && sa.sa_handler == SIG_IGN) printf("%d ", sig);
    }
    printf("\n");
    return 0;
  }
  if (!strcmp(mode, "names") && argc > 4) {
    char buf[256];
    if (symlink(argv[2], argv[3]) != 0) printf("symlink: errno %d\n", errno);
    ssize_t n = readlink(argv[3], buf, sizeof buf - 1);
    if (n < 0) printf("readlink: errno %d\n", errno);
    else {
      buf[n] = 0;
      hex(buf);
    }
    int s = socket(AF_UNIX, SOCK_STREAM, 0);
    struct sockaddr_un a = { .sun_family = AF_UNIX };
    strncpy(a.sun_path, argv[4], sizeof a.sun_path - 1);
    if (bind(s, (struct sockaddr *)&a, sizeof a) != 0) printf("bind: errno %d\n", errno);
    struct sockaddr_un b;
    socklen_t len = sizeof b;
    memset(&b, 0, sizeof b);
    if (getsockname(s, (struct sockaddr *)&b, &len) != 0) printf("getsockname: errno %d\n", errno);
    else hex(b.sun_path);
    unlink(argv[3]);
    unlink(argv[4]);
    return 0;
  }
  return 2;
}
