// What a user gets: `pnpm pack` of every published package of the current tree (prepack
// builds it), then, for each package, `npm install` of its tarball and its @wasmu
// dependencies' in an empty directory outside the repository, and its README's example
// run there as written, with the output the README states.
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, normalize } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import {
  extractTarball, npmInstall, packAll, publishedPackages, readmeExample, runExample, tarballFiles, withWasmuDependencies,
} from "./support.js";

const packages = publishedPackages();
let tarballs: Map<string, string>;

beforeAll(async () => {
  tarballs = await packAll();
});

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
