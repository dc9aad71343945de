// The guest cache's record of what it holds: <cacheDir>/packages.tsv, written by
// scripts/fetch-guests.sh (name, version, architecture, file; tab-separated).
import { readFileSync } from "node:fs";
import { join } from "node:path";

/** One Debian package in the guest cache. */
export interface GuestPackage {
  readonly name: string;
  readonly version: string;
  readonly architecture: string;
  /** The .deb file name in <cacheDir>/debs. */
  readonly file: string;
}

/** The packages recorded in `cacheDir` (empty when nothing was fetched). */
export function readGuestPackages(cacheDir: string): GuestPackage[] {
  let text: string;
  try {
    text = readFileSync(join(cacheDir, "packages.tsv"), "utf8");
  } catch {
    return [];
  }
  const out: GuestPackage[] = [];
  for (const line of text.split("\n")) {
    const [name, version, architecture, file] = line.split("\t");
    if (name && version && architecture && file) out.push({ name, version, architecture, file });
  }
  return out;
}
