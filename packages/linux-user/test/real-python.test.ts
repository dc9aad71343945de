/**
 * python3.13 (Debian's python3.13-minimal) under wasmu and qemu-riscv64-static: one
 * invocation (its start-up is the expensive part under wasmu) that checks float repr,
 * big integers, json, threading with several threads, reading a file from the sysroot,
 * stdin, and the socket module (socketpair, TCP on loopback, getaddrinfo("localhost")),
 * ending with a chosen exit status; and python's processes (subprocess, os.fork, waitpid,
 * pipes). A file of its own, so that its long runs (about 75 s and 20 s under wasmu on
 * this machine) show separately in vitest's report.
 */
import { describe, expect, it } from "vitest";
import { IN_CI, type RealCase, requireGuests, runBoth } from "./support/real-programs.js";

const SCRIPT = `
import json, math, socket, sys, threading
print(repr(0.1 + 0.2), repr(1e23), repr(2.5e-308), float("inf"), round(2.675, 2), 1 / 3, 1e16, 123456789.0 * 1e-20)
print(2 ** 1000)
print(math.factorial(60) % 1000003, (3 ** 200) // (7 ** 50), -(2 ** 70) // 3, pow(3, -1, 1000003), math.isqrt(10 ** 41))
print("%.17g %e %.3f" % (math.pi, math.e ** 100, -0.0005), format(1234567.891, ",.2f"), float.hex(0.1))
print(json.dumps({"b": [1, 2.5, None, True], "a": "\\u00e9", "c": 1e100}, sort_keys=True), json.loads('[1e3, "x", {"k": null}]'))
results = []
lock = threading.Lock()
def work(i):
    s = sum(k * k for k in range(i * 2000))
    with lock:
        results.append((i, s))
threads = [threading.Thread(target=work, args=(i,)) for i in range(4)]
for t in threads:
    t.start()
for t in threads:
    t.join()
print(sorted(results), threading.active_count())
with open("/etc/xattr.conf") as f:
    print(f.readline().strip(), sum(1 for _ in f))
print(repr(sys.stdin.read()))
a, b = socket.socketpair()
a.sendall(b"over a socketpair")
print(b.recv(100))
a.close()
print(b.recv(100))
srv = socket.socket()
srv.bind(("127.0.0.1", 0))
srv.listen()
c = socket.create_connection(("127.0.0.1", srv.getsockname()[1]))
s, peer = srv.accept()
c.sendall(b"over tcp")
print(s.recv(100), peer[0])
c.close()
print(s.recv(100))
print(sorted({ai[4][0] for ai in socket.getaddrinfo("localhost", 80, type=socket.SOCK_STREAM)}))
print(socket.gethostbyname("localhost"))
sys.stderr.write("bye\\n")
sys.exit(3)
`;

/** subprocess (fork_exec with vfork, its error pipe, shell pipelines, a child killed by a signal) and os.fork/waitpid/pipe. */
const PROCESSES = `
import os, subprocess, sys
r = subprocess.run(['/bin/echo', 'from', 'echo'], capture_output=True)
print(r.returncode, r.stdout)
print(subprocess.run(['/bin/sh', '-c', 'exit 7']).returncode)
print(subprocess.run(['/bin/sh', '-c', 'kill -9 $$']).returncode)
print(subprocess.check_output('echo piped | tr a-z A-Z', shell=True))
try:
    subprocess.run(['/nonexistent/prog'])
except FileNotFoundError as e:
    print("FileNotFoundError", e.errno)
sys.stdout.flush()
pid = os.fork()
if pid == 0:
    print("in the child", flush=True)
    os._exit(5)
p, st = os.waitpid(pid, 0)
print(p == pid, os.WIFEXITED(st), os.WEXITSTATUS(st))
r, w = os.pipe()
pid = os.fork()
if pid == 0:
    os.close(r)
    os.write(w, b"through a pipe")
    os._exit(0)
os.close(w)
print(os.read(r, 100), os.wait()[1])
`;

const cases: RealCase[] = [
  { name: "python3.13: floats, big integers, json, threads, files, stdin, sockets", argv: ["/usr/bin/python3.13", "-c", SCRIPT], stdin: "from stdin\n" },
];

const { runnable, missing } = requireGuests("real-python", ["/usr/bin/python3.13"], "FETCH_GUESTS_DEPS=1 scripts/fetch-guests.sh .cache/guests python3.13-minimal");

describe("python3.13 under wasmu and qemu-riscv64-static", () => {
  it.runIf(!runnable && IN_CI)("has python3.13 and the oracle in CI", () => {
    expect.fail(missing);
  });
  // python's start-up under wasmu is ~1 minute on this machine (tcg compile time).
  it.runIf(runnable).each(cases)("$name", { timeout: 600_000 }, async (c) => {
    const { wasmu, qemu } = await runBoth(c);
    expect(wasmu.warnings).toEqual([]);
    expect(wasmu.out).toBe(qemu.out);
    expect(wasmu.err).toBe(qemu.err);
    expect(wasmu.status).toEqual(qemu.status);
  });
  // QEMU runs /bin/echo and /bin/sh of the host (execve goes to the host kernel); their
  // output is the same. Its vfork is a plain fork, so python's child reports a failed exec
  // through memory the parent never sees and subprocess.run returns normally: Linux (and
  // wasmu) raise FileNotFoundError (oracles.md, as posix_spawn in procs.c).
  it.runIf(runnable)("python3.13: subprocess.run, shell pipelines, a failed exec, os.fork, waitpid and pipes", { timeout: 600_000 }, async () => {
    const { wasmu, qemu } = await runBoth({ name: "python3.13 processes", argv: ["/usr/bin/python3.13", "-c", PROCESSES] });
    expect(wasmu.warnings).toEqual([]);
    expect(qemu.out).not.toContain("FileNotFoundError");
    expect(wasmu.out).toBe(qemu.out.replace("b'PIPED\\n'\n", "b'PIPED\\n'\nFileNotFoundError 2\n"));
    expect(wasmu.status).toEqual(qemu.status);
  });
});
