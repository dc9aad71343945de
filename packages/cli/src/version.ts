/** The version of the `wasmu` command (kept equal to @wasmu/cli's package.json by a test). */
export const VERSION = "0.1.0";
