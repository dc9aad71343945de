/**
 * The Node options the `wasmu` command runs with (`bin/wasmu` passes them to Node; a test
 * checks that it does, and the bench runs `dist/main.js` with them, as the command does).
 *
 * - `--max-semi-space-size=4`: V8 grows the young generation of a busy isolate to two
 *   16 MiB semispaces, and it reads the limit only when the isolate is created (setting it
 *   from JavaScript later has no effect). The translator's garbage is short-lived, so 4 MiB
 *   semispaces cost no measurable CPU: `python3 -c pass` peak RSS 170-173 → 148-150 MB,
 *   CPU time within the noise of the same runs (docs/ARCHITECTURE.md, "Decisions").
 */
export const NODE_FLAGS: readonly string[] = ["--max-semi-space-size=4"];
