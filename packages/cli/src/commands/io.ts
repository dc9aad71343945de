/** Where a command writes: standard output and standard error, as text. */
export interface CommandIo {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
  /** A guest died of signal `sig`: the wasmu process dies of it too (the bin; absent in tests: status 128+sig). */
  readonly killedBy?: (sig: number) => void;
}
