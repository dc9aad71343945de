#!/usr/bin/env node
// dist/main.js, the `wasmu` command's entry (what bin/wasmu runs; scripts/bundle.mjs copies
// this file there). It runs the bundled command, dist/wasmu.cjs, compiled with the V8 code
// cache that the build made from a run of the bundled demo (dist/wasmu.cjs.cache): V8
// then neither parses nor compiles the functions that run saw. A cache made by another
// Node or with other V8 flags is rejected by V8 and the script is compiled from source.
import { readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { Script } from "node:vm";

const url = new URL("./wasmu.cjs", import.meta.url);
const file = fileURLToPath(url);
/** @type {Buffer | undefined} */
let cachedData;
try {
  cachedData = readFileSync(`${file}.cache`);
} catch {
  // no cache: compiled from source
}
// The build's run names where to write the cache (and the guest does not see the variable).
const out = process.env.WASMU_CODE_CACHE_OUT;
delete process.env.WASMU_CODE_CACHE_OUT;
const source = readFileSync(file, "utf8").replace(/^#!/, "//"); // its #! line, as a comment
const script = new Script(`(function (exports, require, module, __filename, __dirname, __wasmu_import_meta_url) {${source}\n})`, { filename: file, cachedData });
if (out !== undefined) process.on("exit", () => writeFileSync(out, script.createCachedData()));
const module = { exports: {} };
// eslint-disable-next-line @typescript-eslint/no-unsafe-assignment -- a JS file: the JSDoc cast gives the type
const body = /** @type {(exports: object, require: NodeJS.Require, module: object, filename: string, dirname: string, importMetaUrl: string) => void} */ (
  script.runInThisContext()
);
body(module.exports, createRequire(file), module, file, dirname(file), url.href);
