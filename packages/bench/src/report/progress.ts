// The progress line on standard error while the bench runs: rewritten in place on a
// terminal, one line per workload otherwise (CI logs).
import type { Progress } from "../runner.js";

/** Something to write progress to (process.stderr). */
export interface ProgressStream {
  write(s: string): unknown;
  readonly isTTY?: boolean;
}

export class ProgressLine {
  private last = "";
  private shown = false;

  constructor(private readonly stream: ProgressStream) {}

  /** Reports the run about to start. */
  update(p: Progress): void {
    const where = `${p.entry}/${p.workload}`;
    if (this.stream.isTTY) {
      const line = `[${p.done + 1}/${p.total}] ${where}  ${p.side}${p.phase === "measured" ? "" : ` (${p.phase})`}`;
      this.stream.write(`\r\x1b[2K${line}`);
      this.shown = true;
    } else if (where !== this.last) {
      this.stream.write(`running ${where} (${p.total} runs)\n`);
    }
    this.last = where;
  }

  /** Clears the line (on a terminal) before other output. */
  clear(): void {
    if (this.shown) this.stream.write("\r\x1b[2K");
    this.shown = false;
  }
}
