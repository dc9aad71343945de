/**
 * The riscv64 Linux system call table (the asm-generic numbering plus riscv's two
 * arch-specific calls), declared once: number, name, argument kinds and result kind.
 * The dispatcher looks names up here, and `-strace` formats calls from it in QEMU's
 * style (strace.ts). Argument kinds:
 *
 * | kind | printed as |
 * |------|------------|
 * | `d` | C int: the low 32 bits, signed |
 * | `u` | unsigned long, decimal |
 * | `l` | long, decimal |
 * | `x` | QEMU's `%#x`: the low 32 bits in hex (0 as `0`) |
 * | `X` | `%#lx`: all 64 bits in hex (0 as `0`) |
 * | `p` | pointer: `NULL` or `0x` and 16 hex digits |
 * | `n` | C's `%p`, as some strace.list formats print a pointer: `(nil)` or `0x` and the hex digits |
 * | `o` | octal mode (`%#o`) |
 * | `m` | octal mode, printed only when the preceding open flags have O_CREAT or O_TMPFILE (QEMU's print_openat) |
 * | `s` | C string in guest memory, quoted |
 * | `D` | dirfd: `AT_FDCWD` or decimal |
 * | `O` | open flags (`O_RDONLY\|O_CLOEXEC`) |
 * | `P` | mmap protections |
 * | `M` | mmap flags |
 * | `A` | access mode (`R_OK\|W_OK`) |
 * | `F` | *at flags (`AT_SYMLINK_NOFOLLOW`) |
 * | `S` | signal number (`SIGSEGV`) |
 * | `N` | socket domain (`PF_UNIX`, `PF_INET`; QEMU 7.2 prints AF_INET6 as `10`) |
 * | `K` | socket type (`SOCK_STREAM\|SOCK_NONBLOCK`) |
 * | `R` | socket protocol (`IPPROTO_IP`, `IPPROTO_TCP`, ...) |
 * | `Z` | struct sockaddr in guest memory, its length the next argument (`{sun_family=AF_UNIX,sun_path="s"}`) |
 * | `L` | the length after a `Z`: decimal after a space, as QEMU separates it |
 *
 * | `E` | statx's flags (`AT_NO_AUTOMOUNT`; `F` names only QEMU's two at_file_flags) |
 * | `r` | unlinkat's flags (`AT_REMOVEDIR`) |
 * | `W` | statx's mask (`STATX_MODE`) |
 * | `H` | rt_sigprocmask's how (`SIG_BLOCK`) |
 * | `w` | lseek's whence (`SEEK_CUR`) |
 * | `C` | clock id (`CLOCK_REALTIME`) |
 * | `U` | futex op (`FUTEX_PRIVATE_FLAG\|FUTEX_WAKE`) |
 * | `V` | madvise advice (`MADV_DONTNEED`) |
 * | `T` | struct timespec in guest memory (`{tv_sec = 0,tv_nsec = 5}`) |
 * | `I` | ioctl request: a name QEMU knows (`TIOCGWINSZ`) or `%#x` |
 * | `i` | ioctl argument: a pointer after a named request, else `%#x` |
 * | `c` | fcntl command (`F_SETFL`) |
 * | `t` | futex timeout: a timespec for FUTEX_WAIT and FUTEX_WAIT_BITSET, else a pointer |
 * | `q` | the previous argument again as `%d` (QEMU 7.2's print_futex prints uaddr2 twice, never val3) |
 * | `Y` | clone's whole argument list (`CLONE_VM\|...,child_stack=0x...,parent_tidptr=...,tls=...,child_tidptr=...`) |
 * | `a` | fcntl argument as the command wants it: none (`F_GETFD`), open flags (`F_SETFL`), pointer or decimal |
 *
 * `-` marks a call without arguments. A call without kinds prints six decimal longs, as
 * QEMU 7.2 does for the calls its strace.list has no format for (set_tid_address, prctl,
 * prlimit64, ppoll, ...). `?` marks a call QEMU 7.2's strace does not know at all
 * (`Unknown syscall 293`: rseq, riscv_hwprobe and the calls newer than 7.2).
 * Result kinds: `d` (decimal, the default), `p` (an address: mmap, brk, mremap), `n`
 * (none: exit, exit_group), `r` (rt_sigreturn: QEMU prints its internal
 * `-1 errno=513 (Successful exit from sigreturn)`).
 *
 * @module
 */

/** One system call. */
export interface SyscallInfo {
  /** Number (a7). */
  readonly nr: number;
  /** Name. */
  readonly name: string;
  /** Argument kinds (see the module documentation), or undefined for "six longs". */
  readonly args: readonly string[] | undefined;
  /** Result kind. */
  readonly ret: "d" | "p" | "n" | "r";
  /** QEMU 7.2's strace does not know the call (prints `Unknown syscall N` and no result). */
  readonly qemuUnknown: boolean;
}

// nr name args ret — one row per call. Rows are data, checked by a test against the
// numbers glibc's riscv64 headers define.
const ROWS = `
0 io_setup u,p
1 io_destroy u
2 io_submit
3 io_cancel
4 io_getevents
5 setxattr s,s,p,u,d
6 lsetxattr s,s,p,u,d
7 fsetxattr d,s,p,u,d
8 getxattr s,s,p,u
9 lgetxattr s,s,p,u
10 fgetxattr d,s,p,u
11 listxattr s,p,u
12 llistxattr s,p,u
13 flistxattr d,p,u
14 removexattr s,s
15 lremovexattr s,s
16 fremovexattr d,s
17 getcwd x,d
18 lookup_dcookie
19 eventfd2 u,x
20 epoll_create1 x
21 epoll_ctl d,d,d,p
22 epoll_pwait d,p,d,d,p,u
23 dup d
24 dup3 d,d,O
25 fcntl d,c,a
26 inotify_init1 x
27 inotify_add_watch d,s,x
28 inotify_rm_watch d,d
29 ioctl d,I,i
30 ioprio_set d,d,d
31 ioprio_get d,d
32 flock d,d
33 mknodat D,s,o,x
34 mkdirat D,s,o
35 unlinkat D,s,r
36 symlinkat s,D,s
37 linkat D,s,D,s,F
39 umount2 s,x
40 mount s,s,s,x,p
41 pivot_root s,s
42 nfsservctl
43 statfs s,p
44 fstatfs d,p
45 truncate s,l
46 ftruncate d,l
47 fallocate d,d,l,l
48 faccessat D,s,A,F
49 chdir s
50 fchdir d
51 chroot s
52 fchmod d,o
53 fchmodat D,s,o,F
54 fchownat D,s,d,d,F
55 fchown d,d,d
56 openat D,s,O,m
57 close d
58 vhangup -
59 pipe2
60 quotactl
61 getdents64 d,p,d
62 lseek d,l,w
63 read d,x,d
64 write d,x,d
65 readv d,p,d
66 writev d,p,d
67 pread64 d,p,u,l
68 pwrite64 d,p,u,l
69 preadv d,p,d,l
70 pwritev d,p,d,l
71 sendfile
72 pselect6 d,p,p,p,p,p
73 ppoll
74 signalfd4 d,p,u,x
75 vmsplice
76 splice
77 tee
78 readlinkat D,s,p,d
79 newfstatat D,s,p,F
80 fstat d,p
81 sync -
82 fsync d
83 fdatasync d
84 sync_file_range
85 timerfd_create d,x
86 timerfd_settime d,x,p,p
87 timerfd_gettime d,p
88 utimensat D,s,p,F
89 acct s
90 capget p,p
91 capset p,p
92 personality x
93 exit d:n
94 exit_group d:n
95 waitid d,d,p,x,p
96 set_tid_address
97 unshare x
98 futex p,U,d,t,p,q
99 set_robust_list
100 get_robust_list d,p,p
101 nanosleep p,p
102 getitimer d,p
103 setitimer d,p,p
104 kexec_load
105 init_module
106 delete_module
107 timer_create d,p,p
108 timer_gettime d,p
109 timer_getoverrun d
110 timer_settime d,d,p,p
111 timer_delete d
112 clock_settime d,p
113 clock_gettime C,p
114 clock_getres d,p
115 clock_nanosleep C,d,T,T
116 syslog d,p,d
117 ptrace
118 sched_setparam d,p
119 sched_setscheduler d,d,p
120 sched_getscheduler d
121 sched_getparam d,p
122 sched_setaffinity d,u,p
123 sched_getaffinity d,u,p
124 sched_yield -
125 sched_get_priority_max d
126 sched_get_priority_min d
127 sched_rr_get_interval d,p
128 restart_syscall -
129 kill d,S
130 tkill d,S
131 tgkill d,d,S
132 sigaltstack p,p
133 rt_sigsuspend
134 rt_sigaction S,p,p
135 rt_sigprocmask H,p,p
136 rt_sigpending
137 rt_sigtimedwait
138 rt_sigqueueinfo d,S,p
139 rt_sigreturn :r
140 setpriority d,d,d
141 getpriority d,d
142 reboot
143 setregid d,d
144 setgid d
145 setreuid d,d
146 setuid d
147 setresuid d,d,d
148 getresuid p,p,p
149 setresgid d,d,d
150 getresgid p,p,p
151 setfsuid d
152 setfsgid d
153 times p
154 setpgid d,d
155 getpgid d
156 getsid d
157 setsid -
158 getgroups d,p
159 setgroups d,p
160 uname p
161 sethostname s,d
162 setdomainname s,d
163 getrlimit d,p
164 setrlimit d,p
165 getrusage d,p
166 umask o
167 prctl
168 getcpu p,p,p
169 gettimeofday p,p
170 settimeofday p,p
171 adjtimex p
172 getpid -
173 getppid -
174 getuid -
175 geteuid -
176 getgid -
177 getegid -
178 gettid -
179 sysinfo p
180 mq_open
181 mq_unlink
182 mq_timedsend
183 mq_timedreceive
184 mq_notify
185 mq_getsetattr
186 msgget
187 msgctl
188 msgrcv
189 msgsnd
190 semget
191 semctl
192 semtimedop
193 semop
194 shmget
195 shmctl
196 shmat
197 shmdt
198 socket N,K,R
199 socketpair
200 bind d,Z,L
201 listen d,d
202 accept d,p,p
203 connect d,x,d
204 getsockname
205 getpeername
206 sendto
207 recvfrom
208 setsockopt
209 getsockopt
210 shutdown
211 sendmsg
212 recvmsg d,X,x
213 readahead d,l,u
214 brk p:p
215 munmap p,u
216 mremap p,u,u,x,p:p
217 add_key
218 request_key
219 keyctl
220 clone Y
221 execve s,p,p
222 mmap p,u,P,M,d,X:p
223 fadvise64 d,l,l,d
224 swapon
225 swapoff
226 mprotect p,u,P
227 msync p,u,x
228 mlock p,u
229 munlock p,u
230 mlockall x
231 munlockall -
232 mincore p,u,p
233 madvise p,u,V
234 remap_file_pages
235 mbind
236 get_mempolicy
237 set_mempolicy
238 migrate_pages
239 move_pages
240 rt_tgsigqueueinfo d,d,S,p
241 perf_event_open
242 accept4
243 recvmmsg d,p,u,x,p
258 riscv_hwprobe ?
259 riscv_flush_icache p,p,x
260 wait4 d,p,x,p
261 prlimit64
262 fanotify_init
263 fanotify_mark
264 name_to_handle_at
265 open_by_handle_at
266 clock_adjtime
267 syncfs d
268 setns d,x
269 sendmmsg d,p,u,x
270 process_vm_readv
271 process_vm_writev
272 kcmp
273 finit_module
274 sched_setattr
275 sched_getattr
276 renameat2 D,s,D,s,x
277 seccomp
278 getrandom X,u,u
279 memfd_create s,x
280 bpf
281 execveat D,s,p,p,F
282 userfaultfd
283 membarrier d,x,d
284 mlock2 p,u,x
285 copy_file_range d,n,d,n,u,u
286 preadv2 d,p,d,l,x
287 pwritev2 d,p,d,l,x
288 pkey_mprotect
289 pkey_alloc
290 pkey_free
291 statx D,s,E,W,p
292 io_pgetevents
293 rseq ?
294 kexec_file_load
424 pidfd_send_signal d,S,p,x
425 io_uring_setup
426 io_uring_enter
427 io_uring_register
428 open_tree
429 move_mount
430 fsopen
431 fsconfig
432 fsmount
433 fspick
434 pidfd_open d,x
435 clone3 p,u
436 close_range d,d,x
437 openat2 D,s,p,u
438 pidfd_getfd d,d,x
439 faccessat2 D,s,A,F
440 process_madvise
441 epoll_pwait2 d,p,d,p,p,u
442 mount_setattr
443 quotactl_fd
444 landlock_create_ruleset
445 landlock_add_rule
446 landlock_restrict_self
447 memfd_secret
448 process_mrelease
449 futex_waitv
450 set_mempolicy_home_node
451 cachestat ?
452 fchmodat2 ?
453 map_shadow_stack ?
454 futex_wake ?
455 futex_wait ?
456 futex_requeue ?
457 statmount ?
458 listmount ?
459 lsm_get_self_attr ?
460 lsm_set_self_attr ?
461 lsm_list_modules ?
462 mseal ?
`;

function parseRows(text: string): SyscallInfo[] {
  const out: SyscallInfo[] = [];
  for (const line of text.split("\n")) {
    const t = line.trim();
    if (t === "") continue;
    const [nr, name, spec] = t.split(" ") as [string, string, string | undefined];
    const [argText, ret] = (spec ?? "").split(":") as [string, string | undefined];
    const args = spec === undefined || argText === "" || argText === "?" ? undefined : argText === "-" ? [] : argText.split(",");
    out.push({ nr: Number(nr), name, args, ret: ret === "p" ? "p" : ret === "n" ? "n" : ret === "r" ? "r" : "d", qemuUnknown: argText === "?" });
  }
  return out;
}

/** Every riscv64 system call wasmu knows the name of, by number. */
export const SYSCALLS: ReadonlyMap<number, SyscallInfo> = new Map(parseRows(ROWS).map((s) => [s.nr, s]));

/** Numbers by name (`SYSCALL_NR.openat === 56`). */
export const SYSCALL_NR: Readonly<Record<string, number>> = Object.fromEntries([...SYSCALLS.values()].map((s) => [s.name, s.nr]));

/** The number of the call named `name` (throws for a name not in the table: a programming error). */
export function syscallNr(name: string): number {
  const n = SYSCALL_NR[name];
  if (n === undefined) throw new Error(`no riscv64 syscall named ${name}`);
  return n;
}
