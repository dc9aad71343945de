import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { run } from "@wasmu/test-support";
import { objdump, ObjdumpError } from "../src/index.js";

const here = dirname(fileURLToPath(import.meta.url));
const fixtures = join(here, "..", "fixtures");
const bin = join(here, "..", "dist", "main.js");
const repoRoot = join(here, "..", "..", "..");
const guests = process.env.WASMU_GUESTS ?? join(repoRoot, ".cache", "guests");
const sysroot = join(guests, "sysroot");

function which(tool: string): boolean {
  return spawnSync("sh", ["-c", `command -v ${tool}`]).status === 0;
}
const hasObjdump = which("riscv64-linux-gnu-objdump");
if (!hasObjdump) console.warn("SKIP: riscv64-linux-gnu-objdump not found: live differential tests against GNU objdump are skipped (apt-get install binutils-riscv64-linux-gnu)");

/** Runs wasmu's objdump in-process, as `wasmu objdump -d NAME` would. */
function wasmuObjdump(path: string, name: string): string {
  const parts: string[] = [];
  objdump(readFileSync(path), { fileName: name, write: (t) => parts.push(t) });
  return parts.join("");
}

/** Compares two disassemblies line by line (trailing whitespace ignored); returns the first differences. */
function diffLines(expected: string, actual: string, max = 15): { count: number; sample: string[] } {
  const e = expected.split("\n").map((l) => l.trimEnd());
  const a = actual.split("\n").map((l) => l.trimEnd());
  let count = Math.abs(e.length - a.length);
  const sample: string[] = [];
  const n = Math.min(e.length, a.length);
  for (let i = 0; i < n; i++) {
    if (e[i] !== a[i]) {
      count++;
      if (sample.length < max) sample.push(`line ${i + 1}:\n  objdump: ${e[i]}\n  wasmu:   ${a[i]}`);
    }
  }
  if (e.length !== a.length) sample.push(`line counts differ: objdump ${e.length}, wasmu ${a.length}`);
  return { count, sample };
}

describe("wasmu objdump -d on the project's fixtures", () => {
  for (const name of ["hello", "start", "hello.o", "data.o"]) {
    it(`matches GNU objdump's recorded output for ${name}`, () => {
      const expected = readFileSync(join(fixtures, `${name}.objdump`), "utf8");
      const d = diffLines(expected, wasmuObjdump(join(fixtures, name), name));
      expect(d.sample.join("\n")).toBe("");
    });
    it.skipIf(!hasObjdump)(`matches live GNU objdump for ${name}`, async () => {
      const expected = (await run("riscv64-linux-gnu-objdump", ["-d", name], { cwd: fixtures })).stdout;
      const d = diffLines(expected, wasmuObjdump(join(fixtures, name), name));
      expect(d.sample.join("\n")).toBe("");
    });
  }
});

describe("wasmu objdump -d on Debian sid's riscv64 binaries", () => {
  const targets = [
    { name: "busybox-static", path: join(sysroot, "usr/bin/busybox") },
    { name: "libc.so.6", path: join(sysroot, "usr/lib/riscv64-linux-gnu/libc.so.6") },
  ];
  for (const t of targets) {
    const present = existsSync(t.path);
    if (!present) console.warn(`SKIP: ${t.path} not found: run scripts/fetch-guests.sh ${guests} busybox-static libc6 (CI does)`);
    // Both run as child processes (the bin, not the API in-process): a whole libc takes
    // long enough under load to starve the test worker's event loop (see run.ts).
    it.skipIf(!present || !hasObjdump)(`equals GNU objdump over the whole of ${t.name}`, async () => {
      const [expected, actual] = await Promise.all([run("riscv64-linux-gnu-objdump", ["-d", t.path]), run(process.execPath, [bin, "objdump", "-d", t.path])]);
      expect(expected.status).toBe(0);
      expect(actual.stderr).toBe("");
      expect(actual.status).toBe(0);
      const d = diffLines(expected.stdout, actual.stdout);
      expect(d.sample.join("\n"), `${d.count} differing lines`).toBe("");
    }, 600_000);
  }
});

/** Runs wasmu's objdump in-process with the listings of `options` (h, t, r, R, s). */
function wasmuListing(path: string, name: string, options: string): string {
  const parts: string[] = [];
  const show = {
    archiveHeaders: options.includes("a"), fileHeader: options.includes("f"), privateHeaders: options.includes("p"), sectionHeaders: options.includes("h"), symbols: options.includes("t"), relocs: options.includes("r"), dynamicRelocs: options.includes("R"),
    contents: options.includes("s"),
  };
  objdump(readFileSync(path), { fileName: name, write: (t) => parts.push(t), show });
  return parts.join("");
}

describe("wasmu objdump -a, -f, -p, -h, -t, -r, -R, -s and -x on the project's fixtures", () => {
  if (!hasObjdump && process.env.CI === "true") {
    it("has GNU objdump under CI", () => {
      expect.fail("riscv64-linux-gnu-objdump is missing under CI (apt-get install binutils-riscv64-linux-gnu)");
    });
  }
  for (const name of ["hello", "start", "hello.o", "data.o", "listing.o"]) {
    it(`equals GNU objdump -h -t -s's recorded output for ${name}, byte for byte`, () => {
      expect(wasmuListing(join(fixtures, name), name, "hts")).toBe(readFileSync(join(fixtures, `${name}.objdump-hts`), "utf8"));
    });
  }
  for (const [name, option] of [["hello.o", "r"], ["data.o", "r"], ["listing.o", "r"], ["hello", "R"]] as const) {
    it(`equals GNU objdump -${option}'s recorded output for ${name}, byte for byte`, () => {
      expect(wasmuListing(join(fixtures, name), name, option)).toBe(readFileSync(join(fixtures, `${name}.objdump-${option}`), "utf8"));
    });
  }
  for (const name of ["hello", "start", "hello.o", "data.o", "listing.o"]) {
    it(`equals GNU objdump -x's recorded output for ${name} (-a -f -p -h -r -t), byte for byte`, () => {
      expect(wasmuListing(join(fixtures, name), name, "afphrt")).toBe(readFileSync(join(fixtures, `${name}.objdump-x`), "utf8"));
    });
  }
  for (const name of ["hello", "start", "hello.o", "data.o", "listing.o", "demo"]) {
    for (const option of ["-a", "-f", "-p", "-h", "-t", "-s", "-r", ...(name === "hello" ? ["-R"] : [])]) {
      it.skipIf(!hasObjdump)(`equals live GNU objdump ${option} for ${name}`, async () => {
        const expected = await run("riscv64-linux-gnu-objdump", [option, name], { cwd: fixtures });
        expect(expected.status).toBe(0);
        expect(wasmuListing(join(fixtures, name), name, option.slice(1))).toBe(expected.stdout);
      });
    }
  }
});

describe("wasmu objdump -x (-a -f -p -h -r -t), -R and -s on Debian sid's riscv64 binaries", () => {
  const targets = [
    { name: "busybox-static", path: join(sysroot, "usr/bin/busybox") },
    { name: "libc.so.6", path: join(sysroot, "usr/lib/riscv64-linux-gnu/libc.so.6") },
    { name: "ld.so", path: join(sysroot, "usr/lib/riscv64-linux-gnu/ld-linux-riscv64-lp64d.so.1") },
  ];
  for (const t of targets) {
    const present = existsSync(t.path);
    if (!present && process.env.CI === "true") {
      it(`has ${t.name} under CI`, () => {
        expect.fail(`${t.path} is missing under CI (scripts/fetch-guests.sh ${guests} busybox-static libc6)`);
      });
    }
    // busybox-static has no dynamic symbols: -R ends it with status 1 and two lines, as GNU's.
    it.skipIf(!present || !hasObjdump)(`equals GNU objdump -x -R -s over the whole of ${t.name}, byte for byte`, async () => {
      const [expected, actual] = await Promise.all([run("riscv64-linux-gnu-objdump", ["-x", "-R", "-s", t.path]), run(process.execPath, [bin, "objdump", "-xRs", t.path])]);
      expect(actual.status).toBe(expected.status);
      expect(actual.stderr).toBe(expected.stderr.replaceAll("riscv64-linux-gnu-objdump:", "wasmu objdump:"));
      expect(diffLines(expected.stdout, actual.stdout).sample.join("\n")).toBe("");
      expect(actual.stdout === expected.stdout).toBe(true);
    }, 600_000);
  }
});

describe("wasmu objdump's options", () => {
  it("says 'not a dynamic object' for -R on a file without dynamic symbols, and stops there with status 1, as GNU objdump", async () => {
    const r = await run(process.execPath, [bin, "objdump", "-hR", "hello.o", "hello"], { cwd: fixtures });
    expect(r.status).toBe(1);
    const headers = readFileSync(join(fixtures, "hello.o.objdump-hts"), "utf8");
    expect(r.stdout).toBe(headers.slice(0, headers.indexOf("SYMBOL TABLE:")));
    expect(r.stderr).toBe("wasmu objdump: hello.o: not a dynamic object\nwasmu objdump: hello.o: invalid operation\n");
  });

  it("combines short options as getopt does, in objdump's order whatever the command line's", async () => {
    const r = await run(process.execPath, [bin, "objdump", "-sth", "hello.o"], { cwd: fixtures });
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(readFileSync(join(fixtures, "hello.o.objdump-hts"), "utf8"));
    const long = await run(process.execPath, [bin, "objdump", "--section-headers", "--syms", "--full-contents", "hello.o"], { cwd: fixtures });
    expect(long.stdout).toBe(r.stdout);
    const all = await run(process.execPath, [bin, "objdump", "-x", "hello.o"], { cwd: fixtures });
    expect(all.stdout).toBe(readFileSync(join(fixtures, "hello.o.objdump-x"), "utf8"));
  });

  it("refuses each option GNU objdump has and wasmu does not, by name, with status 1 and no output", async () => {
    for (const [args, shown] of [
      [["-T"], "'-T' (--dynamic-syms)"], [["-dr"], "'-r' with '-d' (relocations inline in the disassembly)"], [["-P", "x"], "'-P' (--private)"],
      [["-D"], "'-D' (--disassemble-all)"], [["-j", ".text"], "'-j' (--section)"], [["--dynamic-syms"], "'--dynamic-syms'"],
      [["--disassemble=main"], "'--disassemble=main'"], [["--start-address=0x10"], "'--start-address=0x10'"], [["-M", "no-aliases"], "'-M' (--disassembler-options)"],
    ] as const) {
      const r = await run(process.execPath, [bin, "objdump", ...args, "hello.o"], { cwd: fixtures });
      expect(r.status, `${args.join(" ")}`).toBe(1);
      expect(r.stdout).toBe("");
      expect(r.stderr).toBe(`wasmu objdump: option ${shown} is not supported (wasmu objdump offers -a, -d, -f, -h, -p, -r, -R, -s, -t and -x)\n`);
    }
  });

  it("prints its usage for -H and --help (status 0), and without a listing or a file (status 2)", async () => {
    for (const h of ["-H", "--help"]) {
      const r = await run(process.execPath, [bin, "objdump", h]);
      expect(r.status).toBe(0);
      expect(r.stdout).toMatch(/^Usage: wasmu objdump <option\(s\)> <file\(s\)>/);
    }
    expect((await run(process.execPath, [bin, "objdump", "hello.o"], { cwd: fixtures })).status).toBe(2);
    expect((await run(process.execPath, [bin, "objdump", "-h"], { cwd: fixtures })).status).toBe(2);
  });
});

describe("bad input", () => {
  const dir = mkdtempSync(join(tmpdir(), "wasmu-objdump-"));
  it("rejects a file that is not ELF with a one-line error", () => {
    expect(() => wasmuObjdump(join(fixtures, "src", "hello.c"), "hello.c")).toThrow(ObjdumpError);
    expect(() => wasmuObjdump(join(fixtures, "src", "hello.c"), "hello.c")).toThrow(/hello\.c: file format not recognized/);
  });
  it("rejects an ELF file for another machine", () => {
    const bytes = new Uint8Array(readFileSync(join(fixtures, "hello")));
    bytes[18] = 62; // EM_X86_64
    bytes[19] = 0;
    const path = join(dir, "x86");
    writeFileSync(path, bytes);
    expect(() => wasmuObjdump(path, "x86")).toThrow(/x86: not a RISC-V file/);
  });
  it("rejects truncated and corrupt files without a stack trace", () => {
    const whole = readFileSync(join(fixtures, "hello"));
    for (const cut of [3, 20, 63, 64, 100, 2000, whole.length - 1]) {
      const path = join(dir, `cut${cut}`);
      writeFileSync(path, whole.subarray(0, cut));
      let error: unknown;
      try {
        wasmuObjdump(path, "cut");
      } catch (e) {
        error = e;
      }
      // A cut header is always refused; a later cut either leaves the tables whole (and the
      // file is dumped) or is refused with a reason — never another kind of exception.
      if (cut < 64) expect(error, `cut at ${cut}`).toBeInstanceOf(ObjdumpError);
      else if (error !== undefined) expect(error).toBeInstanceOf(ObjdumpError);
    }
    const corrupt = new Uint8Array(whole);
    corrupt.set([0xff, 0xff, 0xff, 0x7f], 40); // e_shoff far past the end
    writeFileSync(join(dir, "corrupt"), corrupt);
    expect(() => wasmuObjdump(join(dir, "corrupt"), "corrupt")).toThrow(/section header table extends past the end of the file/);
  });
});

describe("the wasmu bin", () => {
  beforeAll(() => {
    if (!existsSync(bin)) throw new Error(`${bin} is missing: build first (pnpm --filter @wasmu/cli build; turbo's test task does)`);
  });
  it("prints the disassembly and exits 0", async () => {
    const r = await run(process.execPath, [bin, "objdump", "-d", "start"], { cwd: fixtures });
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(readFileSync(join(fixtures, "start.objdump"), "utf8"));
  });
  it("gives one line and status 1 for a non-ELF file", async () => {
    const r = await run(process.execPath, [bin, "objdump", "-d", "src/hello.c"], { cwd: fixtures });
    expect(r.status).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toBe("wasmu objdump: src/hello.c: file format not recognized (no ELF magic)\n");
  });
  it("gives one line and status 1 for a missing file", async () => {
    const r = await run(process.execPath, [bin, "objdump", "-d", "no-such-file"], { cwd: fixtures });
    expect(r.status).toBe(1);
    expect(r.stderr).toBe("wasmu objdump: 'no-such-file': No such file\n");
  });
  it("rejects an unknown command and an unknown option with status 2", async () => {
    expect((await run(process.execPath, [bin, "frobnicate"])).status).toBe(2);
    expect((await run(process.execPath, [bin, "objdump", "-Q", "x"])).status).toBe(2);
  });
  it("keeps the version in step with package.json", async () => {
    const { VERSION } = await import("../src/version.js");
    const pkg = JSON.parse(readFileSync(join(here, "..", "package.json"), "utf8")) as { version: string };
    expect(VERSION).toBe(pkg.version);
  });
});
