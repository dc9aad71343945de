import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runBench } from "../src/cli.js";
import { findRepoRoot } from "../src/context.js";
import { fetchScriptPath } from "../src/guests/fetch.js";
import { readGuestPackages } from "../src/guests/manifest.js";
import { findOnPath } from "../src/requirements.js";

const haveTools = findOnPath("apt-get") !== null && findOnPath("dpkg-deb") !== null;

/**
 * A guest cache that needs no network: a home-made riscv64 .deb already in debs/ and a
 * package index that is "already fetched", so the script only extracts and records.
 */
function offlineCache(): string {
  const dir = mkdtempSync(join(tmpdir(), "fetch-guests-"));
  const pkg = join(dir, "build");
  mkdirSync(join(pkg, "DEBIAN"), { recursive: true });
  mkdirSync(join(pkg, "usr", "bin"), { recursive: true });
  writeFileSync(
    join(pkg, "DEBIAN", "control"),
    "Package: fakepkg\nVersion: 1.2-3\nArchitecture: riscv64\nMaintainer: wasmu <wasmu@example.org>\nDescription: test package\n",
  );
  writeFileSync(join(pkg, "usr", "bin", "fake"), "#!/bin/sh\n");
  const cache = join(dir, "cache");
  mkdirSync(join(cache, "debs"), { recursive: true });
  mkdirSync(join(cache, "apt", "lists"), { recursive: true });
  writeFileSync(join(cache, "apt", "lists", "archive_dists_sid_main_binary-riscv64_Packages"), "");
  execFileSync("dpkg-deb", ["--root-owner-group", "--build", pkg, join(cache, "debs", "fakepkg_1.2-3_riscv64.deb")], { stdio: "ignore" });
  return cache;
}

describe.skipIf(!haveTools)("scripts/fetch-guests.sh", () => {
  const script = fetchScriptPath();

  it("extracts into DIR/sysroot, links lib/bin/sbin, records versions, and is idempotent", () => {
    const cache = offlineCache();
    execFileSync("bash", [script, cache, "fakepkg"], { stdio: "pipe" });
    expect(existsSync(join(cache, "sysroot", "usr", "bin", "fake"))).toBe(true);
    for (const d of ["lib", "bin", "sbin"]) expect(readlinkSync(join(cache, "sysroot", d))).toBe(`usr/${d}`);
    expect(readGuestPackages(cache)).toEqual([{ name: "fakepkg", version: "1.2-3", architecture: "riscv64", file: "fakepkg_1.2-3_riscv64.deb" }]);
    const stamp = join(cache, "sysroot", ".extracted", "fakepkg_1.2-3_riscv64.deb");
    const before = statSync(stamp).mtimeMs;
    execFileSync("bash", [script, cache, "fakepkg"], { stdio: "pipe" });
    expect(statSync(stamp).mtimeMs).toBe(before);
    expect(readFileSync(join(cache, "packages.tsv"), "utf8")).toBe("fakepkg\t1.2-3\triscv64\tfakepkg_1.2-3_riscv64.deb\n");
  });

  it("takes the archive from FETCH_GUESTS_MIRROR, else from the apt configuration (deb822 .sources, then sources.list), never a security archive", () => {
    const mirror = (env: Record<string, string>): string =>
      execFileSync("bash", [script, mkdtempSync(join(tmpdir(), "fetch-guests-"))], {
        env: { ...process.env, FETCH_GUESTS_MIRROR: "", ...env, FETCH_GUESTS_PRINT_MIRROR: "1" },
        encoding: "utf8",
      }).trim();
    const etc = mkdtempSync(join(tmpdir(), "apt-etc-"));
    mkdirSync(join(etc, "sources.list.d"));
    writeFileSync(join(etc, "sources.list"), "# comment\ndeb [arch=amd64] http://security.example/debian-security bookworm-security main\ndeb http://list.example/debian bookworm main\n");
    expect(mirror({ FETCH_GUESTS_APT_DIR: etc })).toBe("http://list.example/debian");
    writeFileSync(
      join(etc, "sources.list.d", "debian.sources"),
      "Types: deb\nURIs: http://sec.example/debian-security\nSuites: bookworm-security\nComponents: main\n\n" +
        "Types: deb deb-src\n# a comment\nURIs: http://one.example/debian/ http://two.example/debian\nSuites: bookworm bookworm-updates\nComponents: main\n",
    );
    expect(mirror({ FETCH_GUESTS_APT_DIR: etc })).toBe("http://one.example/debian");
    expect(mirror({ FETCH_GUESTS_APT_DIR: etc, FETCH_GUESTS_MIRROR: "http://override.example/debian" })).toBe("http://override.example/debian");
    const empty = mkdtempSync(join(tmpdir(), "apt-etc-"));
    expect(() => execFileSync("bash", [script, empty], { env: { ...process.env, FETCH_GUESTS_MIRROR: "", FETCH_GUESTS_APT_DIR: empty }, stdio: "pipe" })).toThrow(
      /no Debian archive in .*set FETCH_GUESTS_MIRROR/,
    );
  });

  it("is shipped in the package, and the repository's scripts/fetch-guests.sh runs it", () => {
    const pkg = JSON.parse(readFileSync(join(import.meta.dirname, "..", "package.json"), "utf8")) as { files: string[] };
    expect(pkg.files).toContain("scripts/fetch-guests.sh");
    expect(() => execFileSync("bash", [join(findRepoRoot()!, "scripts", "fetch-guests.sh")], { stdio: "pipe" })).toThrow(/fetch-guests\.sh DIR PKG/);
  });

  it("prints its usage without arguments", () => {
    expect(() => execFileSync("bash", [script], { stdio: "pipe" })).toThrow(/fetch-guests\.sh DIR PKG/);
  });

  it("is what `wasmu-bench fetch` runs, which then lists the versions", async () => {
    const cache = offlineCache();
    let out = "";
    const code = await runBench(["fetch", "fakepkg"], {
      stdout: { write: (s: string) => (out += s) },
      stderr: { write: () => true },
      context: { repoRoot: null, cacheDir: cache, sysroot: join(cache, "sysroot") },
    });
    expect(code).toBe(0);
    expect(out).toBe("fakepkg\t1.2-3\triscv64\n");
  });
});
