/**
 * The `-nographic` / `-serial mon:stdio` escape handling of QEMU's character mux
 * (chardev/char-mux.c): the terminal's bytes go to the guest's UART, except Ctrl-A
 * sequences, which the emulator interprets:
 *
 *   C-a h, C-a ?  print the help           C-a b    send a break (magic SysRq)
 *   C-a x         exit the emulator        C-a c    switch to the monitor (wasmu has none:
 *   C-a s         commit disks (-snapshot)          says so, the console stays)
 *   C-a t         toggle timestamps        C-a C-a  send one C-a to the guest
 *
 * Any other byte after C-a (capitals included) is swallowed, as QEMU does. Browser-safe: the embedder feeds
 * `input` and supplies the actions.
 */

export const CTRL_A = 0x01;

export interface SerialMuxActions {
  /** Bytes for the guest (the UART's receive side). */
  toGuest(bytes: Uint8Array): void;
  /** Text for the user's terminal (help, notices). */
  toTerminal(text: string): void;
  exit(): void;
  sendBreak(): void;
  /** Commit -snapshot disks; absent: nothing to commit. */
  commit?(): void;
  toggleTimestamps?(): void;
}

export const MUX_HELP = [
  "C-a h    print this help",
  "C-a x    exit emulator",
  "C-a s    save disk data back to file (if -snapshot)",
  "C-a t    toggle console timestamps",
  "C-a b    send break (magic sysrq)",
  "C-a c    switch between console and monitor",
  "C-a C-a  sends C-a",
].join("\r\n") + "\r\n";

export class SerialMux {
  private escape = false;

  constructor(private readonly actions: SerialMuxActions) {}

  input(bytes: Uint8Array): void {
    let start = 0;
    const flush = (end: number) => {
      if (end > start) this.actions.toGuest(bytes.subarray(start, end));
    };
    for (let i = 0; i < bytes.length; i++) {
      const b = bytes[i]!;
      if (this.escape) {
        this.escape = false;
        start = i + 1;
        if (b === CTRL_A) {
          this.actions.toGuest(Uint8Array.of(CTRL_A));
          continue;
        }
        switch (String.fromCharCode(b)) {
          case "h":
          case "?":
            this.actions.toTerminal(MUX_HELP);
            break;
          case "x":
            this.actions.toTerminal("wasmu: Terminated\r\n");
            this.actions.exit();
            return;
          case "s":
            this.actions.commit?.();
            break;
          case "t":
            this.actions.toggleTimestamps?.();
            break;
          case "b":
            this.actions.sendBreak();
            break;
          case "c":
            this.actions.toTerminal("wasmu: there is no monitor; the console stays on the guest\r\n");
            break;
          default:
        }
      } else if (b === CTRL_A) {
        flush(i);
        this.escape = true;
        start = i + 1;
      }
    }
    if (!this.escape) flush(bytes.length);
  }
}
