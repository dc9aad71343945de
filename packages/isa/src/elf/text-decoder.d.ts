// TextDecoder is a global in browsers and in Node, but not part of the ES library this
// package compiles against (it has no DOM or Node types, so that it stays portable).
// Declared here for the reader's internal use only; no public type mentions it.
declare class TextDecoder {
  constructor(label?: string);
  decode(input?: Uint8Array): string;
}
