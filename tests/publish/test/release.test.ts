// A dry-run release, cheap enough for every test run: `changeset version` in a copy of the
// workspace (its packages as built, the pending changesets), `pnpm pack` of the bumped
// packages, `npm install` of the CLI's tarballs in an empty directory, and the installed
// `wasmu` reporting the new version and running its README example. (`pnpm release:dry-run`
// runs the whole suite after the bump, in a git worktree.)
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { join, relative, sep } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { cleanEnv, npmInstall, removeTemporaryDirs, run, tempDir, packAll, publishedPackages, readmeExample, ROOT, runExample, withWasmuDependencies, workspacePackages } from "./support.js";

/** A copy of the workspace's manifests, changesets and packages (without node_modules and tests). */
function copyWorkspace(): string {
  const dir = tempDir("wasmu-release-");
  for (const f of ["package.json", "pnpm-workspace.yaml", "LICENSE"]) cpSync(join(ROOT, f), join(dir, f));
  cpSync(join(ROOT, ".changeset"), join(dir, ".changeset"), { recursive: true });
  for (const p of workspacePackages()) {
    cpSync(p.path, join(dir, "packages", p.dir), {
      recursive: true,
      filter: (src) => !relative(p.path, src).split(sep).some((part) => part === "node_modules" || part === "test" || part === ".turbo"),
    });
  }
  // The workspace links `pnpm install` makes, which pack reads to replace workspace:*
  // (in devDependencies too: cli's @wasmu/test-support).
  for (const p of workspacePackages(dir)) {
    for (const d of Object.keys({ ...p.manifest.dependencies, ...p.manifest.devDependencies })) {
      if (!d.startsWith("@wasmu/")) continue;
      mkdirSync(join(p.path, "node_modules", "@wasmu"), { recursive: true });
      symlinkSync(join(dir, "packages", d.slice("@wasmu/".length)), join(p.path, "node_modules", d));
    }
  }
  return dir;
}

afterAll(removeTemporaryDirs);

describe("a dry-run release", () => {
  it("changeset version bumps every package together, and the packed, installed CLI reports the new version and runs its example", async () => {
    const dir = copyWorkspace();
    // A patch changeset of its own, so that there is a release to make also right after
    // one (when the repository has no pending changeset): the bump is at least a patch.
    writeFileSync(join(dir, ".changeset", "publish-test-dry-run.md"), '---\n"@wasmu/cli": patch\n---\n\nA dry-run release of the publish tests.\n');
    const before = workspacePackages(dir)[0]!.manifest.version;
    const r = await run(join(ROOT, "node_modules", ".bin", "changeset"), ["version"], { cwd: dir, env: cleanEnv() });
    expect(r.status, `changeset version failed:\n${r.stdout}\n${r.stderr}`).toBe(0);

    const bumped = workspacePackages(dir);
    const version = bumped[0]!.manifest.version;
    expect(version).not.toBe(before);
    for (const p of bumped) {
      expect(p.manifest.version, `${p.dir}`).toBe(version);
      for (const [d, range] of Object.entries(p.manifest.dependencies ?? {})) if (d.startsWith("@wasmu/")) expect(range, `${p.dir} -> ${d}`).toBe("workspace:*");
    }
    for (const p of publishedPackages(dir)) expect(readFileSync(join(p.path, "CHANGELOG.md"), "utf8")).toContain(`## ${version}`);
    expect(readdirSync(join(dir, ".changeset")).filter((f) => f.endsWith(".md") && f !== "README.md")).toEqual([]);

    // The built dist/ is the one of the current tree: nothing in it may hold the version.
    const tarballs = await packAll(dir, { ignoreScripts: true });
    const names = withWasmuDependencies("@wasmu/cli", publishedPackages(dir));
    const installed = await npmInstall(names.map((n) => tarballs.get(n)!));
    for (const n of names) expect((JSON.parse(readFileSync(join(installed, "node_modules", n, "package.json"), "utf8")) as { version: string }).version).toBe(version);
    const v = await runExample(installed, { lang: "sh", code: "npx wasmu --version" });
    expect(v.stdout).toBe(`wasmu ${version}\n`);
    const example = readmeExample(readFileSync(join(dir, "packages", "cli", "README.md"), "utf8"))!;
    const ex = await runExample(installed, example);
    expect(ex.status, `${ex.stderr}`).toBe(0);
    expect(ex.stdout).toBe(example.output);
    expect(existsSync(join(installed, "node_modules", "@wasmu", "cli", "CHANGELOG.md"))).toBe(true);
  });
});
