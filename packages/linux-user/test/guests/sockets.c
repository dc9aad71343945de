/* Sockets as a guest sees them: AF_UNIX (socketpair stream/dgram/seqpacket, SCM_RIGHTS,
 * named stream sockets on a path, abstract datagram sockets) and AF_INET / AF_INET6 TCP
 * and UDP on loopback, with the errors Linux gives. Prints only what is the same on every
 * run (no port numbers, no inode numbers); the test compares it with qemu-riscv64-static. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <stddef.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

static void show(const char *what, long r) {
  if (r < 0) printf("%s: -1 errno=%d\n", what, errno);
  else printf("%s: %ld\n", what, r);
}

static int opt(int fd, int level, int name) {
  int v = -1;
  socklen_t l = sizeof v;
  if (getsockopt(fd, level, name, &v, &l) < 0) return -errno;
  return v;
}

static void pairs(void) {
  int sv[2];
  char buf[64];
  show("socketpair stream", socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
  printf("type=%d domain=%d protocol=%d acceptconn=%d\n", opt(sv[0], SOL_SOCKET, SO_TYPE), opt(sv[0], SOL_SOCKET, SO_DOMAIN),
         opt(sv[0], SOL_SOCKET, SO_PROTOCOL), opt(sv[0], SOL_SOCKET, SO_ACCEPTCONN));
  show("write", write(sv[0], "hello", 5));
  show("write", write(sv[0], " world", 6));
  int avail = -1;
  ioctl(sv[1], FIONREAD, &avail);
  printf("FIONREAD %d\n", avail);
  show("recv peek", recv(sv[1], buf, sizeof buf, MSG_PEEK));
  ssize_t n = read(sv[1], buf, sizeof buf);
  printf("read %zd '%.*s'\n", n, (int)n, buf);
  show("shutdown wr", shutdown(sv[0], SHUT_WR));
  show("read after shutdown", read(sv[1], buf, sizeof buf));
  struct pollfd p = {sv[1], POLLIN | POLLOUT, 0};
  show("poll", poll(&p, 1, 0));
  printf("revents=%#x\n", p.revents);
  show("write to shut socket", send(sv[0], "x", 1, MSG_NOSIGNAL));
  show("recv nonblock empty", recv(sv[0], buf, sizeof buf, MSG_DONTWAIT));
  close(sv[1]);
  show("send to closed peer", send(sv[0], "x", 1, MSG_NOSIGNAL));
  close(sv[0]);

  show("socketpair dgram", socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, sv));
  printf("cloexec=%d\n", fcntl(sv[0], F_GETFD));
  send(sv[0], "one", 3, 0);
  send(sv[0], "twotwo", 6, 0);
  avail = -1;
  ioctl(sv[1], FIONREAD, &avail);
  printf("FIONREAD dgram %d\n", avail);
  show("recv 2 of 'one' with MSG_TRUNC", recv(sv[1], buf, 2, MSG_TRUNC));
  struct iovec iov = {buf, 3};
  struct msghdr m = {0};
  m.msg_iov = &iov;
  m.msg_iovlen = 1;
  show("recvmsg 3 of 'twotwo'", recvmsg(sv[1], &m, 0));
  printf("msg_flags=%#x '%.3s'\n", m.msg_flags, buf);
  close(sv[0]);
  close(sv[1]);

  show("socketpair seqpacket", socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv));
  send(sv[0], "abc", 3, 0);
  send(sv[0], "defgh", 5, 0);
  show("recv seqpacket", recv(sv[1], buf, sizeof buf, 0));
  show("recv seqpacket", recv(sv[1], buf, 2, 0));
  close(sv[0]);
  show("recv seqpacket after close", recv(sv[1], buf, sizeof buf, 0));
  close(sv[1]);

  socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
  struct timeval tv = {0, 100000}, got;
  show("setsockopt SO_RCVTIMEO", setsockopt(sv[0], SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv));
  socklen_t gl = sizeof got;
  getsockopt(sv[0], SOL_SOCKET, SO_RCVTIMEO, &got, &gl);
  printf("SO_RCVTIMEO %ld.%06ld len=%u\n", (long)got.tv_sec, (long)got.tv_usec, (unsigned)gl);
  show("recv past SO_RCVTIMEO", recv(sv[0], buf, sizeof buf, 0));
  show("read past SO_RCVTIMEO", read(sv[0], buf, sizeof buf));
  close(sv[0]);
  close(sv[1]);

  show("socketpair inet", socketpair(AF_INET, SOCK_STREAM, 0, sv));
  show("socket unix raw", socket(AF_UNIX, SOCK_RAW, 0));
  show("socket unix proto 7", socket(AF_UNIX, SOCK_STREAM, 7));
  int pp[2];
  pipe(pp);
  show("getsockopt on a pipe", getsockopt(pp[0], SOL_SOCKET, SO_TYPE, buf, &(socklen_t){4}));
  close(pp[0]);
  close(pp[1]);
}

static void rights(void) {
  int sv[2], pp[2];
  char buf[32];
  socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
  pipe(pp);
  struct iovec iov = {"F", 1};
  union { struct cmsghdr h; char b[CMSG_SPACE(sizeof(int))]; } u;
  struct msghdr m = {0};
  m.msg_iov = &iov;
  m.msg_iovlen = 1;
  m.msg_control = u.b;
  m.msg_controllen = sizeof u.b;
  struct cmsghdr *c = CMSG_FIRSTHDR(&m);
  c->cmsg_level = SOL_SOCKET;
  c->cmsg_type = SCM_RIGHTS;
  c->cmsg_len = CMSG_LEN(sizeof(int));
  memcpy(CMSG_DATA(c), &pp[1], sizeof(int));
  show("sendmsg SCM_RIGHTS", sendmsg(sv[0], &m, 0));
  close(pp[1]);
  char data[4];
  struct iovec riov = {data, sizeof data};
  union { struct cmsghdr h; char b[CMSG_SPACE(sizeof(int))]; } ru;
  struct msghdr rm = {0};
  rm.msg_iov = &riov;
  rm.msg_iovlen = 1;
  rm.msg_control = ru.b;
  rm.msg_controllen = sizeof ru.b;
  show("recvmsg", recvmsg(sv[1], &rm, MSG_CMSG_CLOEXEC));
  struct cmsghdr *rc = CMSG_FIRSTHDR(&rm);
  int fd = -1;
  if (rc != NULL && rc->cmsg_type == SCM_RIGHTS) memcpy(&fd, CMSG_DATA(rc), sizeof fd);
  printf("cmsg len=%zu level=%d type=%d controllen=%zu flags=%#x fd_cloexec=%d\n", rc ? (size_t)rc->cmsg_len : 0, rc ? rc->cmsg_level : -1,
         rc ? rc->cmsg_type : -1, (size_t)rm.msg_controllen, rm.msg_flags, fcntl(fd, F_GETFD));
  show("write through passed fd", write(fd, "via", 3));
  close(fd);
  ssize_t n = read(pp[0], buf, sizeof buf);
  printf("pipe got %zd '%.*s'\n", n, (int)n, buf);
  show("read pipe at EOF", read(pp[0], buf, sizeof buf));
  close(pp[0]);
  close(sv[0]);
  close(sv[1]);
}

static void named(void) {
  struct sockaddr_un a = {AF_UNIX, "sock.s"};
  char buf[64];
  unlink("sock.s");
  int l = socket(AF_UNIX, SOCK_STREAM, 0);
  show("bind path", bind(l, (struct sockaddr *)&a, sizeof a));
  struct stat st;
  stat("sock.s", &st);
  printf("is socket %d\n", S_ISSOCK(st.st_mode));
  int l2 = socket(AF_UNIX, SOCK_STREAM, 0);
  show("bind again", bind(l2, (struct sockaddr *)&a, sizeof a));
  show("connect before listen", connect(l2, (struct sockaddr *)&a, sizeof a));
  show("listen", listen(l, 4));
  printf("acceptconn=%d\n", opt(l, SOL_SOCKET, SO_ACCEPTCONN));
  int c = socket(AF_UNIX, SOCK_STREAM, 0);
  show("connect", connect(c, (struct sockaddr *)&a, sizeof a));
  struct sockaddr_un peer;
  socklen_t pl = sizeof peer;
  int s = accept4(l, (struct sockaddr *)&peer, &pl, SOCK_CLOEXEC);
  printf("accept ok=%d peerlen=%u cloexec=%d\n", s >= 0, (unsigned)pl, fcntl(s, F_GETFD));
  struct sockaddr_un me;
  socklen_t ml = sizeof me;
  getsockname(s, (struct sockaddr *)&me, &ml);
  printf("server side name len=%u '%s'\n", (unsigned)ml, me.sun_path);
  ml = sizeof me;
  getpeername(c, (struct sockaddr *)&me, &ml);
  printf("client peer len=%u '%s'\n", (unsigned)ml, me.sun_path);
  ml = sizeof me;
  getsockname(c, (struct sockaddr *)&me, &ml);
  printf("client name len=%u\n", (unsigned)ml);
  send(c, "ping", 4, 0);
  ssize_t n = recv(s, buf, sizeof buf, 0);
  printf("server got '%.*s'\n", (int)n, buf);
  send(s, "pong", 4, 0);
  n = recv(c, buf, sizeof buf, 0);
  printf("client got '%.*s'\n", (int)n, buf);
  int nb = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);
  show("accept4 nonblocking, none", accept4(nb, NULL, NULL, 0));
  fcntl(l, F_SETFL, O_NONBLOCK);
  show("accept nonblocking, none", accept(l, NULL, NULL));
  close(nb);
  close(s);
  close(c);
  close(l);
  close(l2);
  int c2 = socket(AF_UNIX, SOCK_STREAM, 0);
  show("connect after close", connect(c2, (struct sockaddr *)&a, sizeof a));
  unlink("sock.s");
  show("connect after unlink", connect(c2, (struct sockaddr *)&a, sizeof a));
  close(c2);

  struct sockaddr_un ab = {AF_UNIX, "\0wasmu-abstract-test"};
  socklen_t abl = offsetof(struct sockaddr_un, sun_path) + 1 + strlen("wasmu-abstract-test");
  int d = socket(AF_UNIX, SOCK_DGRAM, 0);
  show("bind abstract", bind(d, (struct sockaddr *)&ab, abl));
  int e = socket(AF_UNIX, SOCK_DGRAM, 0);
  show("sendto abstract", sendto(e, "datagram", 8, 0, (struct sockaddr *)&ab, abl));
  struct sockaddr_un from;
  socklen_t fl = sizeof from;
  n = recvfrom(d, buf, sizeof buf, 0, (struct sockaddr *)&from, &fl);
  printf("recvfrom %zd '%.*s' fromlen=%u\n", n, (int)n, buf, (unsigned)fl);
  struct sockaddr_un auto_ = {AF_UNIX};
  show("autobind", bind(e, (struct sockaddr *)&auto_, offsetof(struct sockaddr_un, sun_path)));
  fl = sizeof from;
  getsockname(e, (struct sockaddr *)&from, &fl);
  printf("autobind name len=%u abstract=%d\n", (unsigned)fl, from.sun_path[0] == 0);
  sendto(e, "again", 5, 0, (struct sockaddr *)&ab, abl);
  fl = sizeof from;
  n = recvfrom(d, buf, sizeof buf, 0, (struct sockaddr *)&from, &fl);
  printf("recvfrom %zd fromlen=%u\n", n, (unsigned)fl);
  show("send unconnected dgram", send(e, "x", 1, 0));
  close(d);
  show("sendto closed name", sendto(e, "x", 1, 0, (struct sockaddr *)&ab, abl));
  close(e);
}

static void tcp(int family) {
  char buf[64];
  struct sockaddr_storage ss = {0};
  socklen_t len;
  if (family == AF_INET) {
    struct sockaddr_in *in = (struct sockaddr_in *)&ss;
    in->sin_family = AF_INET;
    in->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    len = sizeof *in;
  } else {
    struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&ss;
    in6->sin6_family = AF_INET6;
    in6->sin6_addr = in6addr_loopback;
    len = sizeof *in6;
  }
  printf("-- tcp %s\n", family == AF_INET ? "ipv4" : "ipv6");
  int l = socket(family, SOCK_STREAM, 0);
  int one = 1;
  show("setsockopt SO_REUSEADDR", setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one));
  printf("reuseaddr=%d nodelay=%d\n", opt(l, SOL_SOCKET, SO_REUSEADDR), opt(l, IPPROTO_TCP, TCP_NODELAY));
  show("bind", bind(l, (struct sockaddr *)&ss, len));
  show("listen", listen(l, 8));
  socklen_t gl = sizeof ss;
  getsockname(l, (struct sockaddr *)&ss, &gl);
  int port = ntohs(family == AF_INET ? ((struct sockaddr_in *)&ss)->sin_port : ((struct sockaddr_in6 *)&ss)->sin6_port);
  printf("getsockname len=%u port>0=%d\n", (unsigned)gl, port > 0);
  int c = socket(family, SOCK_STREAM | SOCK_NONBLOCK, 0);
  int r = connect(c, (struct sockaddr *)&ss, len);
  printf("nonblocking connect: %s\n", r == 0 ? "done" : errno == EINPROGRESS ? "in progress" : strerror(errno));
  struct pollfd p = {c, POLLOUT, 0};
  show("poll for connect", poll(&p, 1, 5000));
  printf("revents=%#x so_error=%d\n", p.revents, opt(c, SOL_SOCKET, SO_ERROR));
  int s = accept(l, NULL, NULL);
  printf("accepted %d\n", s >= 0);
  struct sockaddr_storage pa;
  socklen_t pal = sizeof pa;
  getpeername(c, (struct sockaddr *)&pa, &pal);
  printf("peer len=%u family=%d\n", (unsigned)pal, pa.ss_family);
  show("send", send(c, "over tcp", 8, 0));
  struct pollfd q = {s, POLLIN, 0};
  poll(&q, 1, 5000);
  ssize_t n = recv(s, buf, sizeof buf, 0);
  printf("server got '%.*s'\n", (int)n, buf);
  show("shutdown wr", shutdown(c, SHUT_WR));
  show("server read EOF", recv(s, buf, sizeof buf, 0));
  show("server send", send(s, "bye", 3, 0));
  q.fd = c;
  poll(&q, 1, 5000);
  n = recv(c, buf, sizeof buf, 0);
  printf("client got '%.*s'\n", (int)n, buf);
  close(s);
  close(c);
  close(l);
  int d = socket(family, SOCK_STREAM, 0);
  show("connect to closed port", connect(d, (struct sockaddr *)&ss, len));
  close(d);
}

static void udp(void) {
  char buf[64];
  printf("-- udp\n");
  struct sockaddr_in a = {AF_INET, 0, {htonl(INADDR_LOOPBACK)}};
  int u = socket(AF_INET, SOCK_DGRAM, 0);
  show("bind", bind(u, (struct sockaddr *)&a, sizeof a));
  socklen_t al = sizeof a;
  getsockname(u, (struct sockaddr *)&a, &al);
  printf("port>0=%d\n", ntohs(a.sin_port) > 0);
  int v = socket(AF_INET, SOCK_DGRAM, 0);
  show("send unconnected", send(v, "x", 1, 0));
  show("sendto", sendto(v, "udp datagram", 12, 0, (struct sockaddr *)&a, sizeof a));
  struct sockaddr_in from;
  socklen_t fl = sizeof from;
  ssize_t n = recvfrom(u, buf, sizeof buf, 0, (struct sockaddr *)&from, &fl);
  printf("recvfrom %zd '%.*s' fromlen=%u from loopback=%d\n", n, (int)n, buf, (unsigned)fl, from.sin_addr.s_addr == htonl(INADDR_LOOPBACK));
  show("connect", connect(v, (struct sockaddr *)&a, sizeof a));
  show("send connected", send(v, "second", 6, 0));
  show("recv 3 with MSG_TRUNC", recv(u, buf, 3, MSG_TRUNC));
  show("recv nonblocking empty", recv(u, buf, sizeof buf, MSG_DONTWAIT));
  close(u);
  close(v);
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  pairs();
  rights();
  named();
  tcp(AF_INET);
  tcp(AF_INET6);
  udp();
  return 0;
}
