// What the wasmu packages' tests share. A private workspace package: each package that
// uses it has it as a devDependency, so turbo's cache key of its tests follows this code.
export { run, type Ran, type RunOptions } from "./run.js";
