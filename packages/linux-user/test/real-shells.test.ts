/**
 * Real shells and tools from Debian's riscv64 archive running scripts that create
 * processes (README.md, process model): busybox sh and dash.
 *
 * - Scripts whose processes are all forks of the shell (subshells, `$(…)`, pipelines of
 *   builtins, `&` and `wait`, here-docs, traps, `set -e`, a shell killed by a signal) run
 *   under wasmu and under qemu-riscv64-static (which forks on the host) and must agree.
 * - perl's and lua's ways of running commands, against Linux's documented results.
 * - Scripts that exec riscv64 programs (coreutils, findutils, tar, gzip, `#!` scripts),
 *   which QEMU hands to the host kernel: their expected output is the same script run by
 *   the host's dash with the host's tools on Linux (recorded below).
 */
import { describe, expect, it } from "vitest";
import { IN_CI, type RealCase, requireGuests, runBoth, runWasmu, makeScratch } from "./support/real-programs.js";
import { rmSync } from "node:fs";

/** Builtins only: every process is a fork of the shell. */
const FORKS = `x=$(echo inner; echo two)
echo "subst: $x"
echo a b c | { read p q r; echo "read: $r $q $p"; }
( exit 3 ) || echo "subshell status $?"
f() { echo "in f $1"; return 4; }
f arg || echo "f returned $?"
echo bg1 > bg1.out &
p1=$!
( echo bg2 > bg2.out; exit 5 ) &
p2=$!
wait $p1; echo "wait p1: $?"
wait $p2 || echo "wait p2: $?"
read l1 < bg1.out; read l2 < bg2.out; echo "$l1 $l2"; rm -f bg1.out bg2.out
cat_heredoc() { while read -r line; do echo "hd: $line"; done; }
cat_heredoc <<END
first $x
second line
END
i=0; while [ $i -lt 20 ]; do ( : ) ; i=$((i+1)); done; echo "20 subshells: $i"
r=$( (exit 7); echo $? ); echo "nested: $r"
echo x | (read a; echo "piped $a") | (read b; echo "[$b]") | { read c; echo "3 stages: $c"; }
trap 'echo got USR1' USR1
kill -USR1 $$
trap 'echo trapped EXIT' EXIT
(set -e; false; echo not reached); echo "set -e subshell: $?"
( kill -TERM $$ ); echo "after kill: never"
`;

/** External riscv64 programs: exec inside wasmu. */
const EXECS = `mkdir -p d/e && printf 'b\\na\\nc\\n' > d/one.txt && printf 'x\\n' > d/e/two.txt
ls d | sort -r | head -2
cat d/one.txt | sort | tr a-z A-Z | head -n 2 | wc -l
n=$(ls d | wc -l); echo "count $n"
seq 1 50 | xargs -n 10 echo | tail -1
find d -name '*.txt' -exec wc -l {} \\; | sort
find d -type f | xargs cat | sort | tr -d '\\n'; echo
i=0; while [ $i -lt 100 ]; do /bin/true; i=$((i+1)); done; echo "100 trues"
sleep 0.1 & sleep 0.1 & wait; echo "two sleeps"
exec 3> out.txt; echo via3 >&3; exec 3>&-; cat out.txt
/bin/sh -c 'exit 4'; echo "nested sh: $?"
printf '#!/bin/sh\\necho "script $# $1"\\n' > s.sh; chmod +x s.sh; ./s.sh arg
./missing-cmd 2>/dev/null; echo "missing: $?"
tar -czf t.tgz d && rm -r d && tar -xzf t.tgz && cat d/e/two.txt && tar -tzf t.tgz | sort | head -3
( exec /bin/echo replaced ); echo after
yes | head -3
sh -c 'kill -SEGV $$'; echo "segv: $?"
`;
/** What the host's dash and tools print for {@link EXECS} (dash's own "Segmentation fault" report on stderr). */
const EXECS_OUT = `one.txt
e
2
count 2
41 42 43 44 45 46 47 48 49 50
1 d/e/two.txt
3 d/one.txt
abcx
100 trues
two sleeps
via3
nested sh: 4
script 1 arg
missing: 127
x
d/
d/e/
d/e/two.txt
replaced
after
y
y
y
segv: 139
`;

const SHELLS: [string, string[]][] = [["dash", ["/bin/dash"]], ["busybox sh", ["/bin/busybox", "sh"]]];
const need = requireGuests(
  "real-shells", ["/bin/busybox", "/bin/dash", "/usr/bin/find", "/usr/bin/xargs", "/usr/bin/tar", "/usr/bin/gzip", "/usr/bin/sort", "/usr/bin/perl", "/usr/bin/lua5.4"],
  "bash scripts/fetch-guests.sh DIR busybox-static dash coreutils findutils tar gzip perl-base lua5.4",
);

/** perl's backticks, system and pipe open; lua's io.popen and os.execute (glibc's system: posix_spawn through clone3). */
const TOOLS: [string, string[], string][] = [
  ["perl system, backticks, open -|", ["/usr/bin/perl", "-e", 'my $x = `echo hi`; print "bt: $x"; system("/bin/sh", "-c", "exit 3"); print "sys: ", $? >> 8, "\n"; open(my $p, "-|", "seq", "3") or die; my @l = <$p>; close $p; print "pipe: ", scalar(@l), "\n";'], "bt: hi\nsys: 3\npipe: 3\n"],
  ["lua io.popen, os.execute", ["/usr/bin/lua5.4", "-e", 'local f = io.popen("echo popen; exit 2"); io.write(f:read("a")); print(f:close()); print(os.execute("exit 5")); print(os.execute("kill -TERM $$"))'], "popen\nnil\texit\t2\nnil\texit\t5\nnil\tsignal\t15\n"],
];

describe("real shells", () => {
  it.runIf(!need.runnable && IN_CI)("has its guests in CI", () => {
    expect.fail(need.missing);
  });

  it.runIf(need.runnable).each(SHELLS)("%s: a script of forks, as under qemu-riscv64-static", { timeout: 300_000 }, async (_name, shell) => {
    const c: RealCase = { name: "forks", argv: [...shell, "s.sh"], files: { "s.sh": FORKS } };
    const { wasmu, qemu } = await runBoth(c);
    expect(wasmu.warnings).toEqual([]);
    expect(wasmu.out).toBe(qemu.out);
    expect(wasmu.err).toBe(qemu.err);
    expect(wasmu.status).toEqual(qemu.status);
    expect(wasmu.status).toEqual([143]);
    expect(wasmu.out).toContain("3 stages: [piped x]");
  });

  it.runIf(need.runnable).each(TOOLS)("%s (as on Linux)", { timeout: 300_000 }, async (_name, argv, expected) => {
    const c: RealCase = { name: "tools", argv };
    const dir = makeScratch(c);
    try {
      const w = await runWasmu(c, dir);
      expect(w.warnings).toEqual([]);
      expect(w.out).toBe(expected);
      expect(w.status).toEqual([0]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it.runIf(need.runnable).each(SHELLS)("%s: a script that runs programs (exec inside wasmu), as on Linux", { timeout: 600_000 }, async (_name, shell) => {
    const c: RealCase = { name: "execs", argv: [...shell, "s.sh"], files: { "s.sh": EXECS } };
    const dir = makeScratch(c);
    try {
      const w = await runWasmu(c, dir);
      expect(w.warnings).toEqual([]);
      expect(w.out).toBe(EXECS_OUT);
      expect(w.status).toEqual([0]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
