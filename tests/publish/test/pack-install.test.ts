// What a user gets: `pnpm pack` of every published package of the current tree (prepack
// builds it), then, for each package, `npm install` of its tarball and its @wasmu
// dependencies' in an empty directory outside the repository, and its README's example
// run there as written, with the output the README states.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, normalize } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  cleanEnv, extractTarball, npmInstall, packAll, removeTemporaryDirs, run, publishedPackages, readmeExample, runExample, tarballFiles, withWasmuDependencies,
} from "./support.js";

const packages = publishedPackages();
let tarballs: Map<string, string>;

beforeAll(async () => {
  tarballs = await packAll();
});
afterAll(removeTemporaryDirs);

/** Every file a manifest's exports and bin name (wildcard exports: their directory). */
function namedFiles(manifest: { exports?: Record<string, string | Record<string, string>>; bin?: Record<string, string> }): string[] {
  const out: string[] = [];
  for (const target of Object.values(manifest.exports ?? {})) {
    for (const file of typeof target === "string" ? [target] : Object.values(target)) out.push(file.replace(/\/\*$/, ""));
  }
  out.push(...Object.values(manifest.bin ?? {}));
  return out.map((f) => normalize(f));
}

describe("the packed tarballs", () => {
  for (const p of packages) {
    it(`${p.manifest.name}: LICENSE, README, every export and bin, and every file its source maps name`, async () => {
      const tgz = tarballs.get(p.manifest.name)!;
      const files = new Set(await tarballFiles(tgz));
      for (const f of ["LICENSE", "README.md", "package.json", "dist/index.js", "dist/index.d.ts", "src/index.ts"]) expect(files, `${f}`).toContain(f);
      expect([...files].some((f) => f.endsWith(".tsbuildinfo"))).toBe(false);
      expect([...files].some((f) => f.startsWith("test/"))).toBe(false);
      const dir = await extractTarball(tgz);
      const manifest = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as Parameters<typeof namedFiles>[0] & { dependencies?: Record<string, string> };
      for (const f of namedFiles(manifest)) expect(existsSync(join(dir, f)), `${p.manifest.name}: ${f}`).toBe(true);
      // workspace:* became the version.
      for (const [d, range] of Object.entries(manifest.dependencies ?? {})) if (d.startsWith("@wasmu/")) expect(range).toBe(p.manifest.version);
      // Source maps and declaration maps point into the tarball.
      let maps = 0;
      for (const f of files) {
        if (!f.endsWith(".map")) continue;
        maps++;
        const map = JSON.parse(readFileSync(join(dir, f), "utf8")) as { sources: string[]; sourceRoot?: string };
        for (const s of map.sources) {
          const target = normalize(join(dirname(f), map.sourceRoot ?? "", s));
          expect(files.has(target), `${f} names ${target}`).toBe(true);
        }
      }
      expect(maps).toBeGreaterThan(0);
    });
  }
});

/** dpkg-deb on PATH (Debian and Ubuntu hosts; CI's). */
const hasDpkgDeb = spawnSync("sh", ["-c", "command -v dpkg-deb && command -v apt-get"]).status === 0;
if (!hasDpkgDeb) console.warn("SKIP: dpkg-deb or apt-get not found: the installed wasmu-bench fetch is not run");

describe("the installed @wasmu/bench on its own", () => {
  it.runIf(!hasDpkgDeb && process.env.CI === "true")("has dpkg-deb and apt-get under CI", () => {
    expect.fail("dpkg-deb and apt-get are needed under CI");
  });

  it.skipIf(!hasDpkgDeb)("fetches guests with the fetch script it ships (an offline cache: a local .deb, an index already there)", async () => {
    const names = withWasmuDependencies("@wasmu/bench", packages);
    const dir = await npmInstall(names.map((n) => tarballs.get(n)!));
    // A riscv64 .deb of our own in the cache's debs/, and an empty package index: nothing to download.
    const cache = join(dir, "cache");
    const pkg = join(dir, "pkg");
    mkdirSync(join(pkg, "DEBIAN"), { recursive: true });
    mkdirSync(join(pkg, "usr", "bin"), { recursive: true });
    writeFileSync(join(pkg, "DEBIAN", "control"), "Package: fakepkg\nVersion: 1.0-1\nArchitecture: riscv64\nMaintainer: wasmu <wasmu@example.org>\nDescription: test\n");
    writeFileSync(join(pkg, "usr", "bin", "fake"), "#!/bin/sh\n");
    mkdirSync(join(cache, "debs"), { recursive: true });
    mkdirSync(join(cache, "apt", "lists"), { recursive: true });
    writeFileSync(join(cache, "apt", "lists", "archive_dists_sid_main_binary-riscv64_Packages"), "");
    expect((await run("dpkg-deb", ["--root-owner-group", "--build", pkg, join(cache, "debs", "fakepkg_1.0-1_riscv64.deb")], { cwd: dir, env: cleanEnv() })).status).toBe(0);
    // The archive is never contacted (a reserved name, whatever this machine's apt set-up).
    const r = await runExample(dir, { lang: "sh", code: `FETCH_GUESTS_MIRROR=http://archive.invalid/debian npx wasmu-bench fetch --cache ${cache} fakepkg` });
    expect(r.status, `${r.stderr}`).toBe(0);
    expect(r.stdout).toBe("fakepkg\t1.0-1\triscv64\n");
    expect(existsSync(join(cache, "sysroot", "usr", "bin", "fake"))).toBe(true);
  });
});

describe("each package installed alone from its tarballs runs its README example", () => {
  for (const p of packages) {
    it(`${p.manifest.name}`, async () => {
      const names = withWasmuDependencies(p.manifest.name, packages);
      const dir = await npmInstall(names.map((n) => tarballs.get(n)!));
      for (const n of names) expect(existsSync(join(dir, "node_modules", n, "package.json")), `${n}`).toBe(true);
      const example = readmeExample(readFileSync(join(p.path, "README.md"), "utf8"))!;
      const r = await runExample(dir, example);
      expect(r.status, `example of ${p.dir}/README.md failed:\n${r.stdout}\n${r.stderr}`).toBe(0);
      if (example.lang === "js") expect(r.stderr).toBe("");
      if (example.output !== undefined) expect(r.stdout).toBe(example.output);
    });
  }
});
