/** Where a command writes: standard output and standard error, as text. */
export interface CommandIo {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
  /** Bytes for standard error as they are (a guest's bytes in -strace and -d records); default: `err` of their UTF-8 decoding. */
  readonly errBytes?: (bytes: Uint8Array) => void;
  /** Signals the process that started wasmu left ignored (bin/wasmu reads them); a guest starts with them ignored. */
  readonly ignoredSignals?: readonly number[];
  /** A guest died of signal `sig`: the wasmu process dies of it too (the bin; absent in tests: status 128+sig). */
  readonly killedBy?: (sig: number) => void;
}
