/*
 * glibc pthreads under load, one scenario per argument (run-program.test.ts compares
 * each with qemu-riscv64-static):
 *   mutex  - 2 waves of 5 threads that each create and join 2 threads of their own; all
 *            of them take one pthread mutex 300 times (futex contention) and wait on a
 *            condition variable; prints the total.
 *   segv   - 3 threads spin while a fourth dereferences NULL: the process dies of SIGSEGV.
 *   exit   - 3 threads spin while a fourth calls _exit(5) (exit_group from a non-main
 *            thread); the main thread is blocked in pthread_join.
 *   signal - pthread_kill(SIGUSR1) to a thread spinning on a flag its handler sets.
 *   waits  - a condition-variable wait that times out (FUTEX_WAIT_BITSET with an absolute
 *            CLOCK_REALTIME deadline), and pthread_kill to a thread waiting on a condition
 *            variable: its handler runs, the wait goes on until the variable is signalled.
 *   exit-sleep - as exit, but the main thread sleeps 1000 s in nanosleep (a call the
 *            kernel thread serves): the process must end at the exit_group, not after.
 */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <errno.h>
#include <unistd.h>

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cond = PTHREAD_COND_INITIALIZER;
static long total;
static int ready;
static volatile int spinning;
static volatile int stop;

static void *leaf(void *arg) {
  long k = (long)arg;
  for (int i = 0; i < 300; i++) {
    pthread_mutex_lock(&lock);
    total += k;
    pthread_mutex_unlock(&lock);
  }
  return (void *)k;
}

static void *branch(void *arg) {
  long k = (long)arg;
  pthread_mutex_lock(&lock);
  while (!ready) pthread_cond_wait(&cond, &lock);
  pthread_mutex_unlock(&lock);
  pthread_t t[2];
  for (int i = 0; i < 2; i++) pthread_create(&t[i], NULL, leaf, (void *)(k * 10 + i));
  long sum = 0;
  for (int i = 0; i < 2; i++) {
    void *r;
    pthread_join(t[i], &r);
    sum += (long)r;
  }
  leaf((void *)k);
  return (void *)sum;
}

static void *spin(void *arg) {
  (void)arg;
  __atomic_add_fetch(&spinning, 1, __ATOMIC_SEQ_CST);
  while (!stop) { }
  return NULL;
}

static void *crash(void *arg) {
  while (__atomic_load_n(&spinning, __ATOMIC_SEQ_CST) < 3) { }
  if (arg == NULL) *(volatile int *)arg = 1;
  _exit(5);
}

static void on_usr1(int sig) { (void)sig; stop = 1; }

static pthread_cond_t cond2 = PTHREAD_COND_INITIALIZER;
static int go2;
static volatile int waiting2;

static void *timed(void *arg) {
  (void)arg;
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  ts.tv_nsec += 30 * 1000 * 1000;
  if (ts.tv_nsec >= 1000000000) { ts.tv_sec++; ts.tv_nsec -= 1000000000; }
  pthread_mutex_lock(&lock);
  int rc = pthread_cond_timedwait(&cond, &lock, &ts);
  pthread_mutex_unlock(&lock);
  return (void *)(long)rc;
}

static void *waiter(void *arg) {
  (void)arg;
  pthread_mutex_lock(&lock);
  waiting2 = 1;
  while (!go2) pthread_cond_wait(&cond2, &lock);
  pthread_mutex_unlock(&lock);
  return (void *)(long)stop;
}

int main(int argc, char **argv) {
  const char *mode = argc > 1 ? argv[1] : "mutex";
  setvbuf(stdout, NULL, _IONBF, 0);
  if (strcmp(mode, "mutex") == 0) {
    long joined = 0;
    for (int wave = 0; wave < 2; wave++) {
      pthread_t t[5];
      ready = 0;
      for (long i = 0; i < 5; i++) pthread_create(&t[i], NULL, branch, (void *)(i + 1));
      pthread_mutex_lock(&lock);
      ready = 1;
      pthread_cond_broadcast(&cond);
      pthread_mutex_unlock(&lock);
      for (int i = 0; i < 5; i++) {
        void *r;
        pthread_join(t[i], &r);
        joined += (long)r;
      }
    }
    printf("total %ld joined %ld\n", total, joined);
    return 0;
  }
  pthread_t t[4];
  if (strcmp(mode, "waits") == 0) {
    void *r;
    pthread_create(&t[0], NULL, timed, NULL);
    pthread_join(t[0], &r);
    printf("timedwait: %s\n", (long)r == ETIMEDOUT ? "ETIMEDOUT" : "woken");
    signal(SIGUSR1, on_usr1);
    pthread_create(&t[1], NULL, waiter, NULL);
    while (!__atomic_load_n(&waiting2, __ATOMIC_SEQ_CST)) { }
    pthread_kill(t[1], SIGUSR1);
    while (!stop) { }
    pthread_mutex_lock(&lock);
    go2 = 1;
    pthread_cond_signal(&cond2);
    pthread_mutex_unlock(&lock);
    pthread_join(t[1], &r);
    printf("handler ran in the waiting thread: %ld\n", (long)r);
    return 0;
  }
  if (strcmp(mode, "signal") == 0) {
    signal(SIGUSR1, on_usr1);
    pthread_create(&t[0], NULL, spin, NULL);
    while (__atomic_load_n(&spinning, __ATOMIC_SEQ_CST) < 1) { }
    pthread_kill(t[0], SIGUSR1);
    pthread_join(t[0], NULL);
    printf("signal stopped the spinning thread\n");
    return 0;
  }
  printf("%s: start\n", mode);
  for (int i = 0; i < 3; i++) pthread_create(&t[i], NULL, spin, NULL);
  pthread_create(&t[3], NULL, crash, strcmp(mode, "segv") == 0 ? NULL : (void *)1);
  if (strcmp(mode, "exit-sleep") == 0) sleep(1000);
  else pthread_join(t[3], NULL);
  printf("not reached\n");
  return 1;
}
