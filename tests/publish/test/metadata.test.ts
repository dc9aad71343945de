// Every published package: the MIT licence (its text in the package), where it comes from,
// what it packs, and a build before packing.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { publishedPackages, readmeExample, ROOT, workspacePackages } from "./support.js";

const LICENSE = readFileSync(join(ROOT, "LICENSE"), "utf8");
const root = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> };

describe("package metadata", () => {
  it("the repository's LICENSE is the MIT licence", () => {
    expect(LICENSE).toMatch(/^MIT License\n/);
    expect(LICENSE).toContain("Permission is hereby granted, free of charge");
  });

  for (const p of workspacePackages()) {
    describe(`${p.manifest.name}`, () => {
      it("is MIT, carries the LICENSE text, and names its author, repository directory, home page and issue tracker", () => {
        const m = p.manifest;
        expect(m.license).toBe("MIT");
        expect(readFileSync(join(p.path, "LICENSE"), "utf8")).toBe(LICENSE);
        expect(m.author).toBe("the wasmu contributors");
        expect(m.repository).toEqual({ type: "git", url: expect.stringMatching(/^git\+https:\/\/.+\.git$/) as string, directory: `packages/${p.dir}` });
        expect(m.homepage).toBe(`${m.repository!.url.replace(/^git\+/, "").replace(/\.git$/, "")}/tree/main/packages/${p.dir}#readme`);
        expect(m.bugs?.url).toBe(`${m.repository!.url.replace(/^git\+/, "").replace(/\.git$/, "")}/issues`);
        // One repository for all.
        expect(m.repository!.url).toBe(workspacePackages()[0]!.manifest.repository!.url);
      });

      // A private package is not published.
      if (p.manifest.private === true) return;

      it("has code, builds before packing, and packs its LICENSE, README, dist/ and src/", () => {
        const m = p.manifest;
        expect(existsSync(join(p.path, "src", "index.ts"))).toBe(true);
        expect(m.scripts?.prepack).toBe(m.scripts?.build);
        for (const f of ["dist", "src", "LICENSE", "README.md"]) expect(m.files).toContain(f);
      });

      it("opens its README with a complete example (run by pack-install.test.ts)", () => {
        const readme = readFileSync(join(p.path, "README.md"), "utf8");
        const ex = readmeExample(readme);
        expect(ex, `${p.dir}/README.md has no \`\`\`js example or \`\`\`sh example block`).toBeDefined();
        // It comes before the first second-level section other than itself.
        const firstSection = readme.indexOf("\n## ");
        expect(readme.slice(firstSection + 1).startsWith("## Example")).toBe(true);
      });
    });
  }

  it("no package without code is published: every package that is not private has src/index.ts", () => {
    for (const p of publishedPackages()) expect(existsSync(join(p.path, "src", "index.ts")), `${p.dir}`).toBe(true);
    expect(publishedPackages().map((p) => p.manifest.name)).toEqual(expect.arrayContaining(["@wasmu/isa", "@wasmu/tcg", "@wasmu/linux-user", "@wasmu/cli", "@wasmu/bench"]));
  });

  it("linux-user's shipped example program is its test guest hello", () => {
    const lu = join(ROOT, "packages", "linux-user");
    for (const f of ["hello", "hello.S"]) expect(readFileSync(join(lu, "examples", f))).toEqual(readFileSync(join(lu, "test", "guests", f)));
  });

  it("has a release script that versions, builds, tests and publishes, and a dry run of it", () => {
    expect(root.scripts.release).toBe("bash scripts/release.sh");
    expect(root.scripts["release:dry-run"]).toBe("bash scripts/release.sh --dry-run");
    const script = readFileSync(join(ROOT, "scripts", "release.sh"), "utf8");
    expect(script).toMatch(/changeset version[\s\S]*pnpm build[\s\S]*pnpm test[\s\S]*pnpm pack[\s\S]*changeset publish/);
  });
});
