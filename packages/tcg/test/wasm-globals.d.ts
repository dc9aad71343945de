// The subset of the WebAssembly JS API the backend/tb tests use. The package compiles
// without DOM typings (it must not depend on them) and @types/node does not declare this
// API; esbuild's typings declare an empty `WebAssembly.Module`, which this merges with.
declare global {
  namespace WebAssembly {
    // eslint-disable-next-line @typescript-eslint/no-empty-object-type
    interface Module {}
    const Module: { prototype: Module; new (bytes: ArrayBufferView | ArrayBuffer): Module };
    interface Instance {
      readonly exports: Record<string, unknown>;
    }
    const Instance: { prototype: Instance; new (module: Module, imports?: Imports): Instance };
    interface MemoryDescriptor {
      initial: number;
      maximum?: number;
      shared?: boolean;
    }
    interface Memory {
      readonly buffer: ArrayBuffer;
      grow(delta: number): number;
    }
    const Memory: { prototype: Memory; new (descriptor: MemoryDescriptor): Memory };
    interface TableDescriptor {
      initial: number;
      maximum?: number;
      element: "anyfunc" | "externref";
    }
    interface Table {
      readonly length: number;
      get(index: number): unknown;
      set(index: number, value: unknown): void;
      grow(delta: number): number;
    }
    const Table: { prototype: Table; new (descriptor: TableDescriptor): Table };
    type Imports = Record<string, Record<string, unknown>>;
    function validate(bytes: ArrayBufferView | ArrayBuffer): boolean;
    function compile(bytes: ArrayBufferView | ArrayBuffer): Promise<Module>;
    function instantiate(module: Module, imports?: Imports): Promise<Instance>;
  }
}
export {};
