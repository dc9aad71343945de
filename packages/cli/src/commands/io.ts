/** Where a command writes: standard output and standard error, as text. */
export interface CommandIo {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
}
