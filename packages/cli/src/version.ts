/**
 * The version of the `wasmu` command: @wasmu/cli's own package.json, read once at start-up
 * (src/ and dist/ both sit one level below it, in the repository and in an installed
 * package), so that `changeset version` needs no second place to bump.
 */
import { readFileSync } from "node:fs";

function readVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version?: unknown };
  if (typeof pkg.version !== "string") throw new Error("@wasmu/cli: package.json has no version");
  return pkg.version;
}

export const VERSION: string = readVersion();
