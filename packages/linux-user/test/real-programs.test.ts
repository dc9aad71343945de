/**
 * The differential suite over real programs from Debian sid's riscv64 archive
 * (coreutils, perl-base, sqlite3, gzip, xz-utils, busybox-static, lua5.4): each command
 * line runs under wasmu and under qemu-riscv64-static, and stdout, stderr and the exit
 * statuses must be equal (support/real-programs.ts). The table covers text processing,
 * scripting, floating-point printing, compression round trips with checksums, reading
 * files from the sysroot, stdin, and perl's sockets. python3.13 has its own file
 * (real-python.test.ts). Concurrency: the cases of a file run one after another, each with
 * QEMU in a child process beside wasmu in this one (two busy cores); vitest gives each
 * file a worker and, on a 2-core machine, runs one worker at a time.
 */
import { describe, expect, it } from "vitest";
import { IN_CI, type RealCase, requireGuests, runBoth } from "./support/real-programs.js";

/** Deterministic text: `lines` lines of words drawn by a linear congruential generator. */
function text(lines: number, seed: number): string {
  const words = ["alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta", "iota", "kappa", "lambda", "mu"];
  let x = seed;
  const out: string[] = [];
  for (let i = 0; i < lines; i++) {
    const n = 1 + (i % 7);
    const line: string[] = [];
    for (let k = 0; k < n; k++) {
      x = (x * 1103515245 + 12345) % 2147483648;
      line.push(words[x % words.length]!);
    }
    out.push(`${line.join(" ")} ${x % 1000}`);
  }
  return `${out.join("\n")}\n`;
}

const WORDS = text(400, 7);
/** 20,000 numbered lines for the sorts and compressors that use threads. */
const BIG = Array.from({ length: 20000 }, (_, i) => `${(i * 7919) % 10007} line ${i % 97}\n`).join("");
const CSV = "id,name,score\n3,carol,91.5\n1,alice,88.25\n2,bob,70\n5,eve,100\n4,dave,63.125\n";
const TREE = {
  "tree/a.txt": "hello\n",
  "tree/b/c.bin": { data: new Uint8Array(3000).map((_, i) => (i * 31) & 255), mtime: 1_234_567_890 },
  "tree/b/d/e": { data: "", mtime: 86_400 },
  "tree/zz": { data: "last\n", mtime: 2_000_000_000 },
};

const B = "/usr/bin/";
const coreutils: RealCase[] = [
  { name: "ls -l of a tree with fixed mtimes", argv: [`${B}ls`, "-lnR", "--time-style=full-iso", "tree"], files: TREE },
  { name: "ls -la sorted by time, classify", argv: [`${B}ls`, "-1tF", "tree", "tree/b"], files: TREE },
  { name: "sort -k2,2 -t, -n of a csv", argv: [`${B}sort`, "-t,", "-k3,3n", "data.csv"], files: { "data.csv": CSV } },
  { name: "sort | uniq -c from stdin (sort -u, then uniq -c on sorted words)", argv: [`${B}sort`], stdin: WORDS, then: [[`${B}sort`, "-r", "-u", "words.txt"]], files: { "words.txt": WORDS } },
  { name: "uniq -c -d", argv: [`${B}uniq`, "-c"], stdin: "a\na\nb\nc\nc\nc\na\n" },
  { name: "wc of a file and stdin", argv: [`${B}wc`, "words.txt", "-"], stdin: "one two\nthree\n", files: { "words.txt": WORDS } },
  { name: "tr squeeze and translate", argv: [`${B}tr`, "-s", "a-z", "A-Z"], stdin: "hello   woorld\nbookkeeper\n" },
  { name: "cut fields and characters", argv: [`${B}cut`, "-d,", "-f2,3", "data.csv"], then: [[`${B}cut`, "-c1-4", "data.csv"]], files: { "data.csv": CSV } },
  { name: "seq with a float step and a format", argv: [`${B}seq`, "-f", "%.3e", "0", "0.25", "2"], then: [[`${B}seq`, "-w", "-s", ",", "8", "12"]] },
  { name: "factor of large numbers", argv: [`${B}factor`, "1234567890123", "600851475143", "18446744073709551557", "2147483647"] },
  { name: "od -A x -t x1z -t d2 of binary data", argv: [`${B}od`, "-A", "x", "-t", "x1z", "-N", "64", "tree/b/c.bin"], then: [[`${B}od`, "-t", "d2", "-t", "f8", "-N", "32", "tree/b/c.bin"]], files: TREE },
  { name: "base64 encode and decode", argv: [`${B}base64`, "-w", "60", "tree/b/c.bin"], then: [[`${B}base64`, "-d", "enc"]], files: { ...TREE, enc: "aGVsbG8sIHdvcmxkIQo=\n" } },
  { name: "sha256sum md5sum sha1sum b2sum", argv: [`${B}sha256sum`, "words.txt"], then: [[`${B}md5sum`, "words.txt"], [`${B}sha1sum`, "words.txt"], [`${B}b2sum`, "-l", "128", "words.txt"], [`${B}cksum`, "words.txt"]], files: { "words.txt": WORDS } },
  { name: "date -d @0 -u and formats", argv: [`${B}date`, "-u", "-d", "@0"], then: [[`${B}date`, "-u", "-d", "@1700000000", "+%Y-%m-%dT%H:%M:%S %j %A %s"], [`${B}date`, "-u", "-d", "2024-02-29 12:34:56", "+%s %U %V"]] },
  { name: "printf with floats and widths", argv: [`${B}printf`, "%.10f|%g|%e|%a|%8.3f|%-6d|%x|%o|%s\\n", "3.14159265358979", "1e-300", "123456789", "0.1", "2.5", "42", "255", "8", "end"] },
  { name: "stat -c of files", argv: [`${B}stat`, "-c", "%n %s %a %F %Y %h", "tree/a.txt", "tree/b", "tree/zz"], files: TREE },
  { name: "head and tail by lines and bytes", argv: [`${B}head`, "-n", "3", "words.txt"], then: [[`${B}tail`, "-n", "2", "words.txt"], [`${B}head`, "-c", "20", "words.txt"], [`${B}tail`, "-c", "+4000", "words.txt"]], files: { "words.txt": WORDS } },
  { name: "cat from stdin and -n", argv: [`${B}cat`, "-n", "-"], stdin: "first\nsecond\n\nfourth\n" },
  { name: "tee to a file, then cat it", argv: [`${B}tee`, "out.txt"], stdin: "tee line 1\ntee line 2\n", then: [[`${B}cat`, "out.txt"]] },
  { name: "expr arithmetic, match and failure status", argv: [`${B}expr`, "12345678901", "*", "3"], then: [[`${B}expr`, "hello", ":", "h\\(el*\\)"], [`${B}expr`, "1", "=", "2"], [`${B}expr`, "1", "/", "0"]] },
  { name: "errors: missing file, bad option", argv: [`${B}cat`, "nonexistent"], then: [[`${B}ls`, "--bogus"], [`${B}sort`, "-k", "x"]] },
  { name: "reading files from the sysroot", argv: [`${B}head`, "-n", "3", "/etc/xattr.conf"], then: [[`${B}wc`, "-l", "/etc/xattr.conf", "/usr/lib/python3.13/os.py"]] },
  { name: "tac, nl, paste, fold, comm, join", argv: [`${B}tac`, "data.csv"], then: [[`${B}nl`, "-ba", "data.csv"], [`${B}paste`, "-d:", "data.csv", "data.csv"], [`${B}fold`, "-w", "7", "data.csv"], [`${B}join`, "-t,", "a", "b"]], files: { "data.csv": CSV, a: "1,x\n2,y\n3,z\n", b: "1,p\n3,q\n" } },
  { name: "cp (copy_file_range), mv, ln -s, readlink, realpath", argv: [`${B}cp`, "-a", "tree", "t2"], then: [[`${B}mv`, "t2/a.txt", "t2/moved"], [`${B}ln`, "-s", "moved", "t2/link"], [`${B}readlink`, "t2/link"], [`${B}realpath`, "--relative-to=tree", "t2/link"], [`${B}cp`, "tree/b/c.bin", "copy.bin"], [`${B}sha256sum`, "copy.bin", "t2/moved"], [`${B}stat`, "-c", "%n %s %a %Y", "t2/moved", "t2/b/c.bin"]], files: TREE },
  { name: "sort with two threads and temporary files", argv: [`${B}sort`, "--parallel=2", "-S", "64K", "-n", "big"], then: [[`${B}sort`, "-u", "-k3", "big"]], files: { big: BIG } },
  { name: "numfmt and split", argv: [`${B}numfmt`, "--to=iec", "1024", "1048576", "123456789"], then: [[`${B}split`, "-l", "150", "words.txt", "part."], [`${B}wc`, "-l", "part.aa", "part.ab", "part.ac"]], files: { "words.txt": WORDS } },
];

/** Perl's Socket module: socketpair, getaddrinfo("localhost") (nsswitch and /etc/hosts), TCP and UDP on loopback. */
const PERL_SOCKETS = `use Socket qw(:DEFAULT getaddrinfo getnameinfo AI_NUMERICHOST NI_NUMERICHOST);
socketpair(my $a, my $b, AF_UNIX, SOCK_STREAM, 0) or die "socketpair: $!";
syswrite($a, "through a socketpair");
sysread($b, my $buf, 100); print "$buf\\n";
my ($err, @res) = getaddrinfo("localhost", "80", { socktype => SOCK_STREAM });
print "getaddrinfo: ", ($err ? "$err" : "ok"), " ", join(",", sort map { (getnameinfo($_->{addr}, NI_NUMERICHOST))[1] } @res), "\\n";
my $ip = inet_aton("localhost"); print "inet_aton localhost: ", inet_ntoa($ip), "\\n";
socket(my $srv, PF_INET, SOCK_STREAM, 0) or die; setsockopt($srv, SOL_SOCKET, SO_REUSEADDR, 1);
bind($srv, sockaddr_in(0, INADDR_LOOPBACK)) or die "bind: $!"; listen($srv, 5) or die;
my ($port) = sockaddr_in(getsockname($srv));
socket(my $c, PF_INET, SOCK_STREAM, 0) or die; connect($c, sockaddr_in($port, INADDR_LOOPBACK)) or die "connect: $!";
accept(my $s, $srv) or die; syswrite($c, "over tcp"); sysread($s, $buf, 100); print "$buf\\n";
close($c); print "eof: ", sysread($s, $buf, 100), "\\n";
socket(my $u, PF_INET, SOCK_DGRAM, 0) or die; bind($u, sockaddr_in(0, INADDR_LOOPBACK)) or die;
socket(my $v, PF_INET, SOCK_DGRAM, 0) or die; send($v, "datagram", 0, getsockname($u));
recv($u, $buf, 100, 0); print "$buf\\n";
socket(my $d, PF_INET, SOCK_STREAM, 0) or die; print "\\nconnect refused: ", (connect($d, sockaddr_in(1, INADDR_LOOPBACK)) ? "no" : $!+0), "\\n";
`;

const perl: RealCase[] = [
  { name: "perl regex text processing", argv: [`${B}perl`, "-ne", 'if (/^(\\w+)\\s+(\\w+).*?(\\d+)$/) { $c{$1}++; $s{$2} += $3 } END { print "$_ $c{$_}\\n" for sort keys %c; printf "%s=%d\\n", $_, $s{$_} for sort { $s{$b} <=> $s{$a} || $a cmp $b } keys %s }', "words.txt"], files: { "words.txt": WORDS } },
  { name: "perl sprintf floats and integer limits", argv: [`${B}perl`, "-e", 'printf("%.17g %.3e %g %f %s %s\\n", 0.1+0.2, 6.02214076e23, 1/3, -0.0, 9**20, 2**64); print 0.1*3, " ", 1e21, " ", int(7.99), " ", 18446744073709551615, " ", -9223372036854775808, "\\n"; printf("%b %o %X %.0f %.0f\\n", 255, 8, 48879, 0.5, 1.5)'] },
  { name: "perl sorting, hashes, sprintf and big integers by hand", argv: [`${B}perl`, "-e", 'my @n = (1); for my $i (1..60) { my $c = 0; for (@n) { $_ = $_ * $i + $c; $c = int($_ / 10000); $_ %= 10000 } while ($c) { push @n, $c % 10000; $c = int($c / 10000) } } print "60! = ", $n[-1], map({ sprintf "%04d", $_ } reverse @n[0..$#n-1]), "\\n"; my @w = sort { length($a) <=> length($b) or $a cmp $b } qw(pear fig apple kiwi banana date); print "@w\\n"; print join(",", map { sprintf "%.2f", sqrt } 1..5), "\\n"'] },
  { name: "perl alarm (setitimer, SIGALRM interrupting sleep)", argv: [`${B}perl`, "-e", '$SIG{ALRM} = sub { print "alarm\n"; exit 4 }; alarm 1; sleep 5; print "not reached\n"'] },
  { name: "perl sockets and getaddrinfo", argv: [`${B}perl`, "sockets.pl"], files: { "sockets.pl": PERL_SOCKETS } },
  { name: "perl reads a sysroot file and stdin", argv: [`${B}perl`, "-e", 'open my $f, "<", "/etc/passwd" or die; my @l = <$f>; my @u = map { (split /:/)[0] } @l[0..2]; print "@u\\n"; my $in = do { local $/; <STDIN> }; print scalar(reverse $in), length($in), "\\n"; print -e "/etc/passwd" ? "exists\\n" : "missing\\n"; printf "%o\\n", (stat "/etc")[2] & 07777; die "bye\\n"'], stdin: "abc\ndef" },
];

const sqlite: RealCase[] = [
  { name: "sqlite3 recursive CTE", argv: [`${B}sqlite3`, ":memory:", "WITH RECURSIVE fib(n, a, b) AS (SELECT 1, 0, 1 UNION ALL SELECT n + 1, b, a + b FROM fib WHERE n < 90) SELECT n, a FROM fib WHERE n % 15 = 0;"] },
  { name: "sqlite3 printf floats and math", argv: [`${B}sqlite3`, ":memory:", "SELECT printf('%.15g|%e|%10.4f|%d', 1.0/3, 1e300*10, 2.5, 9223372036854775807), 0.1+0.2, round(2.675, 2), 1e308*10, -0.0, abs(-17), 7/2, 7.0/2, typeof(1e0), hex(zeroblob(2));"] },
  { name: "sqlite3 in WAL mode on a file", argv: [`${B}sqlite3`, "db"], stdin: "PRAGMA journal_mode=WAL;\nCREATE TABLE t(x);\nBEGIN;\nINSERT INTO t VALUES(1),(2),(3);\nCOMMIT;\nSELECT sum(x) FROM t;\nPRAGMA integrity_check;\n" },
  { name: "sqlite3 table created from stdin", argv: [`${B}sqlite3`, "db.sqlite"], stdin: "CREATE TABLE t(id INTEGER PRIMARY KEY, name TEXT, score REAL);\n.mode csv\n.import --skip 1 data.csv t\n.mode list\nSELECT count(*), sum(score), avg(score), group_concat(name, '/') FROM (SELECT * FROM t ORDER BY score DESC);\nSELECT name FROM t WHERE score > 80 ORDER BY id;\n", files: { "data.csv": CSV }, then: [[`${B}sqlite3`, "-header", "-column", "db.sqlite", "SELECT id, upper(name) AS n, score * 2 AS s FROM t ORDER BY id"]] },
];

const compression: RealCase[] = [
  { name: "gzip round trip with checksums", argv: [`${B}gzip`, "-9", "-n", "-k", "words.txt"], then: [[`${B}sha256sum`, "words.txt.gz"], [`${B}gzip`, "-l", "words.txt.gz"], [`${B}gzip`, "-t", "-v", "words.txt.gz"], [`${B}gzip`, "-d", "-f", "words.txt.gz"], [`${B}sha256sum`, "words.txt"], [`${B}gzip`, "-dc", "bad.gz"]], files: { "words.txt": WORDS, "bad.gz": "not gzip data\n" } },
  { name: "gzip from stdin to stdout", argv: [`${B}gzip`, "-c", "-n", "-6"], stdin: WORDS.repeat(3) },
  { name: "xz round trip with checksums", argv: [`${B}xz`, "-k", "-6e", "-T1", "words.txt"], then: [[`${B}sha256sum`, "words.txt.xz"], [`${B}xz`, "-l", "words.txt.xz"], [`${B}xz`, "-t", "words.txt.xz"], [`${B}xz`, "-dc", "words.txt.xz"], [`${B}xz`, "-d", "-f", "words.txt.xz"], [`${B}sha256sum`, "words.txt"]], files: { "words.txt": WORDS } },
  { name: "xz with two threads", argv: [`${B}xz`, "-T2", "-3", "-c", "big"], then: [[`${B}xz`, "-T2", "-k", "big"], [`${B}xz`, "-dc", "-T2", "big.xz"]], files: { big: BIG } },
  { name: "xz --format=lzma from stdin", argv: [`${B}xz`, "-c", "--format=lzma", "-1", "-T1"], stdin: WORDS },
];

const busybox: RealCase[] = [
  { name: "busybox sh: arithmetic, loops, functions, exit status", argv: [`${B}busybox`, "sh", "-c", 'f() { echo "f:$1"; return 4; }; i=0; while [ $i -lt 5 ]; do i=$((i+1)); s="$s$i"; done; echo $s ${#s}; f x; echo rc=$?; case abc in a*) echo glob;; esac; printf "%05.1f\\n" 3.14159; exit 3'] },
  { name: "busybox awk, sed, grep on a file", argv: [`${B}busybox`, "awk", "-F,", 'NR > 1 { s += $3; n++ } END { printf "%d %.4f\\n", n, s / n }', "data.csv"], then: [[`${B}busybox`, "sed", "-n", "s/^\\([0-9]\\),\\(.*\\),.*/\\2=\\1/p", "data.csv"], [`${B}busybox`, "grep", "-c", "-E", "^(alpha|beta) ", "words.txt"]], files: { "data.csv": CSV, "words.txt": WORDS } },
  { name: "busybox md5sum, wc, sort from stdin", argv: [`${B}busybox`, "sort", "-r"], stdin: "b\nc\na\n", then: [[`${B}busybox`, "md5sum", "words.txt"], [`${B}busybox`, "wc", "words.txt"]], files: { "words.txt": WORDS } },
  { name: "busybox ls, stat, find in a tree", argv: [`${B}busybox`, "find", "tree", "-type", "f"], then: [[`${B}busybox`, "stat", "-c", "%n %s %Y", "tree/a.txt", "tree/zz"], [`${B}busybox`, "ls", "-ln", "tree"]], files: TREE },
  { name: "busybox gzip round trip", argv: [`${B}busybox`, "gzip", "-k", "words.txt"], then: [[`${B}busybox`, "gunzip", "-c", "words.txt.gz"]], files: { "words.txt": WORDS } },
];

const lua: RealCase[] = [
  { name: "lua5.4 floats, integers, strings, tables", argv: [`${B}lua5.4`, "-e", "print(0.1 + 0.2, 1/3, math.maxinteger, math.mininteger // -1, 2^63, 7 // 2, 7 % -3, -7 // 2.0, math.huge, -math.huge, 0/0 ~= 0/0) print(string.format('%5.2f|%g|%q|%x', math.pi, 1e100, 'a\\nb', 255)) local t = {} for w in ('the quick brown fox'):gmatch('%a+') do t[#t + 1] = w:upper() end table.sort(t) print(table.concat(t, ','))"] },
  { name: "lua5.4 reads files and stdin", argv: [`${B}lua5.4`, "-e", "local n = 0 for l in io.lines('/etc/passwd') do n = n + 1 end print(n > 0) local s = io.read('a') print(#s, s:reverse()) local f = assert(io.open('out', 'w')) f:write(string.rep('x', 10)) f:close() print(io.open('out'):read('a')) print(io.open('nope'))"], stdin: "stdin text\n" },
  { name: "lua5.4 os and io.tmpfile", argv: [`${B}lua5.4`, "-e", "print(os.date('!%Y-%m-%d %H:%M:%S', 86400*365), os.time{year=2000,month=1,day=1,hour=0}, type(os.clock()), os.getenv('TZ'), os.rename('nope','x')) local f = io.tmpfile() f:write('abc') f:seek('set') print(f:read('a')) print(os.remove('nope'))"] },
  { name: "lua5.4 error status", argv: [`${B}lua5.4`, "-e", "error('boom')"] },
];

// A subset under each non-default tier: every TB interpreted (no compiled code at all), and
// every TB compiled before it runs (the default, auto, runs the suites above).
const tiers: RealCase[] = (["interp", "jit"] as const).flatMap((tier) => [
  { ...busybox[0]!, name: `${busybox[0]!.name} (tier=${tier})`, tier },
  { ...lua[0]!, name: `${lua[0]!.name} (tier=${tier})`, tier },
  { ...sqlite[1]!, name: `${sqlite[1]!.name} (tier=${tier})`, tier },
  { ...compression[1]!, name: `${compression[1]!.name} (tier=${tier})`, tier },
]);

const SUITES: [string, RealCase[], string[]][] = [
  ["coreutils", coreutils, ["/usr/bin/ls", "/usr/bin/sort"]],
  ["perl-base", perl, ["/usr/bin/perl"]],
  ["sqlite3", sqlite, ["/usr/bin/sqlite3"]],
  ["gzip and xz-utils", compression, ["/usr/bin/gzip", "/usr/bin/xz"]],
  ["busybox-static", busybox, ["/usr/bin/busybox"]],
  ["lua5.4", lua, ["/usr/bin/lua5.4"]],
  ["tiers", tiers, ["/usr/bin/busybox", "/usr/bin/lua5.4", "/usr/bin/sqlite3", "/usr/bin/gzip"]],
];

for (const [suite, cases, programs] of SUITES) {
  const { runnable, missing } = requireGuests(`real-programs ${suite}`, programs, "bash .ci/run (or scripts/fetch-guests.sh, see there)");
  describe(`${suite} under wasmu and qemu-riscv64-static`, () => {
    it.runIf(!runnable && IN_CI)("has its programs and the oracle in CI", () => {
      expect.fail(missing);
    });
    it.runIf(runnable).each(cases)("$name", { timeout: 240_000 }, async (c) => {
      const { wasmu, qemu } = await runBoth(c);
      expect(wasmu.warnings).toEqual([]);
      expect(wasmu.out).toBe(qemu.out);
      if (c.stderr !== false) expect(wasmu.err).toBe(qemu.err);
      expect(wasmu.status).toEqual(qemu.status);
    });
  });
}
