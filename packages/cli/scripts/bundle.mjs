// The `wasmu` command as few files as possible (run after tsc by `pnpm build`):
// - dist/wasmu.cjs bundles dist/bin.js with everything it imports from @wasmu/* (Node
//   built-ins stay requires), as a CommonJS script so that it can be compiled with a V8
//   code cache; dist/main.js (scripts/main-loader.mjs) loads it.
// - dist/vcpu-worker.js and dist/hart-worker.js bundle linux-user's vCPU worker entry and
//   softmmu's hart worker entry beside it (the bundle's linux-user and softmmu start their
//   workers from there).
// - dist/wasmu.cjs.cache: V8's code cache of wasmu.cjs after a run of the bundled demo
//   (fixtures/demo) with the command's Node options (NODE_FLAGS): V8 rejects a cache made
//   with other flags.
// Loading one file instead of ~280 ES modules is ~0.13 s of CPU less per `wasmu` process,
// the code cache ~0.04 s more (docs/ARCHITECTURE.md, "Decisions"). No source map: it would
// name files of the other packages, which the tarball does not hold.
import { execFileSync } from "node:child_process";
import { build } from "esbuild";
import { copyFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const require = createRequire(join(root, "package.json"));
const linuxUser = dirname(require.resolve("@wasmu/linux-user/package.json"));
const softmmu = dirname(require.resolve("@wasmu/softmmu/package.json"));
/** @type {import("esbuild").BuildOptions & { define: Record<string, string> }} */
const common = { absWorkingDir: root, bundle: true, platform: "node", target: "node20", logLevel: "warning", define: { WASMU_BUNDLED_VCPU_WORKER: JSON.stringify("./vcpu-worker.js"), WASMU_BUNDLED_HART_WORKER: JSON.stringify("./hart-worker.js") } };

await build({ ...common, entryPoints: ["dist/bin.js"], outfile: "dist/wasmu.cjs", format: "cjs", define: { ...common.define, "import.meta.url": "__wasmu_import_meta_url" } });
await build({ ...common, entryPoints: [join(linuxUser, "dist/run/vcpu-worker.js")], outfile: "dist/vcpu-worker.js", format: "esm" });
await build({ ...common, entryPoints: [join(softmmu, "dist/node/hart-worker-entry.js")], outfile: "dist/hart-worker.js", format: "esm" });
copyFileSync(join(root, "scripts/main-loader.mjs"), join(root, "dist/main.js"));

const cache = join(root, "dist/wasmu.cjs.cache");
rmSync(cache, { force: true });
// eslint-disable-next-line @typescript-eslint/no-unsafe-assignment -- a JS file: the JSDoc cast gives the type
const { NODE_FLAGS } = /** @type {{ NODE_FLAGS: readonly string[] }} */ (await import(pathToFileURL(join(root, "dist/node-flags.js")).href));
execFileSync(process.execPath, [...NODE_FLAGS, join(root, "dist/main.js"), "user", join(root, "fixtures/demo"), "wasmu", "0"], {
  env: { ...process.env, WASMU_CODE_CACHE_OUT: cache }, stdio: ["ignore", "ignore", "inherit"],
});
