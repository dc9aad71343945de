// TextEncoder and TextDecoder are globals in browsers and in Node, but not part of the ES
// library this package compiles against (no DOM or Node types, so that it stays portable).
// Declared for internal use only; no public type mentions them.
declare class TextEncoder {
  encode(input?: string): Uint8Array;
}
declare class TextDecoder {
  constructor(label?: string);
  decode(input?: Uint8Array): string;
}
