// The `wasmu` bin as one file (run after tsc by `pnpm build`): dist/main.js bundles
// dist/bin.js with everything it imports from @wasmu/*, and dist/vcpu-worker.js bundles
// linux-user's vCPU worker entry beside it (the bundle's linux-user starts its workers from
// there). Loading one file instead of ~280 ES modules is ~0.13 s of CPU less per `wasmu`
// process (docs/ARCHITECTURE.md, "Decisions"). Node built-ins stay imports. No source
// map: it would name files of the other packages, which the tarball does not hold.
import { build } from "esbuild";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const require = createRequire(join(root, "package.json"));
const linuxUser = dirname(require.resolve("@wasmu/linux-user/package.json"));

await build({
  absWorkingDir: root,
  entryPoints: { main: "dist/bin.js", "vcpu-worker": join(linuxUser, "dist/run/vcpu-worker.js") },
  outdir: "dist",
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  define: { WASMU_BUNDLED_VCPU_WORKER: JSON.stringify("./vcpu-worker.js") },
  logLevel: "warning",
});
