/* execve of riscv64 programs (itself), which qemu-riscv64 hands to the host kernel: what
 * the new image keeps and loses (pid, parent, close-on-exec, signal dispositions and
 * mask), a `#!` script and Linux's split of its line, vfork + exec, posix_spawn. The
 * expected output (test/processes.test.ts) is Linux's documented behaviour. */
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

static void on_usr1(int s) { (void)s; }

static int image(int argc, char **argv) {
  /* argv: self "image" cloexec-fd plain-fd parent-pid */
  int a = atoi(argv[2]), b = atoi(argv[3]);
  errno = 0;
  int ra = fcntl(a, F_GETFD);
  printf("image: cloexec fd %d errno=%d, plain fd %d flags=%d\n", ra, errno, fcntl(b, F_GETFD) >= 0, fcntl(b, F_GETFD));
  struct sigaction sa;
  sigaction(SIGUSR1, NULL, &sa);
  printf("image: SIGUSR1 handler reset=%d\n", sa.sa_handler == SIG_DFL);
  sigaction(SIGUSR2, NULL, &sa);
  printf("image: SIGUSR2 still ignored=%d\n", sa.sa_handler == SIG_IGN);
  sigset_t m;
  sigprocmask(SIG_BLOCK, NULL, &m);
  printf("image: SIGHUP still blocked=%d\n", sigismember(&m, SIGHUP));
  printf("image: same pid=%d argc=%d\n", getpid() == atoi(argv[4]), argc);
  char cmd[64];
  int fd = open("/proc/self/comm", O_RDONLY);
  int n = read(fd, cmd, sizeof cmd);
  printf("image: comm=%.*s", n, cmd);
  return 42;
}

int main(int argc, char **argv) {
  setvbuf(stdout, NULL, _IONBF, 0);
  if (argc >= 5 && strcmp(argv[1], "image") == 0) return image(argc, argv);
  if (argc >= 2 && strcmp(argv[1], "-x  y") == 0) {
    /* Run as the interpreter of a #! script. */
    for (int i = 1; i < argc; i++) printf("script argv[%d]=<%s>\n", i, argv[i]);
    return 0;
  }
  if (argc >= 2 && strcmp(argv[1], "spawned") == 0) return 7;

  int st;
  char self[4096];
  ssize_t sl = readlink("/proc/self/exe", self, sizeof self - 1);
  self[sl] = 0;

  /* fork + exec: what the new image keeps. */
  int a = open("/dev/null", O_RDONLY | O_CLOEXEC);
  int b = open("/dev/null", O_RDONLY);
  signal(SIGUSR1, on_usr1);
  signal(SIGUSR2, SIG_IGN);
  sigset_t m;
  sigemptyset(&m);
  sigaddset(&m, SIGHUP);
  sigprocmask(SIG_BLOCK, &m, NULL);
  pid_t p = fork();
  if (p == 0) {
    char fa[16], fb[16], pid[16];
    snprintf(fa, sizeof fa, "%d", a);
    snprintf(fb, sizeof fb, "%d", b);
    snprintf(pid, sizeof pid, "%d", getpid());
    char *args[] = {self, "image", fa, fb, pid, NULL};
    execve(self, args, environ);
    _exit(99);
  }
  waitpid(p, &st, 0);
  printf("exec child: exited %d\n", WEXITSTATUS(st));

  /* A #! script: interpreter, one optional argument (inner spaces kept), the script path, the rest. */
  FILE *f = fopen("execs-script", "w");
  fprintf(f, "#! %s   -x  y  \nignored\n", self);
  fclose(f);
  chmod("execs-script", 0755);
  p = fork();
  if (p == 0) {
    char *args[] = {"name-ignored", "a1", "a 2", NULL};
    execve("./execs-script", args, environ);
    _exit(99);
  }
  waitpid(p, &st, 0);
  printf("script: exited %d\n", WEXITSTATUS(st));
  /* A script whose interpreter is missing: ENOENT. */
  f = fopen("execs-script", "w");
  fprintf(f, "#!/nonexistent/interp\n");
  fclose(f);
  errno = 0;
  char *none[] = {"x", NULL};
  execve("./execs-script", none, environ);
  printf("script, missing interpreter: errno=%d\n", errno);
  unlink("execs-script");

  /* vfork + exec: the parent resumes once the child has exec'd. */
  p = vfork();
  if (p == 0) {
    char *args[] = {self, "spawned", NULL};
    execve(self, args, environ);
    _exit(99);
  }
  waitpid(p, &st, 0);
  printf("vfork+exec: exited %d\n", WEXITSTATUS(st));

  /* posix_spawn of a program that exists. */
  char *sargs[] = {self, "spawned", NULL};
  int r = posix_spawn(&p, self, NULL, NULL, sargs, environ);
  waitpid(p, &st, 0);
  printf("posix_spawn: %d exited %d\n", r, WEXITSTATUS(st));
  return 0;
}
