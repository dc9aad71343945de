/**
 * The WebAssembly module builder: emits module bytes directly (no intermediate tree),
 * after v86's wasmgen.
 *
 * A builder has two phases:
 *  1. the *prefix*: function types and imports (a shared memory, a table, helper
 *     functions, globals). {@link ModuleBuilder.sealPrefix} freezes it; its encoded type
 *     and import sections are cached and reused by every module built afterwards.
 *  2. per module: functions, exports, element segments, data segments. {@link ModuleBuilder.finish}
 *     returns the bytes; {@link ModuleBuilder.reset} drops the per-module part and keeps
 *     the prefix, so a translator builds module after module with the same imports.
 *
 * Function types are deduplicated: `addType` returns the existing index for an equal
 * signature. Types added after the prefix is sealed belong to the current module only.
 */
import { ByteWriter } from "./byte-writer.js";
import { uLeb32Size, writeULeb32 } from "./leb.js";
import { FunctionBuilder } from "./function-builder.js";
import { ExternalKind, Op, SectionId, ValType } from "./opcodes.js";

/** Limits of an imported shared memory. `maximum` is required for shared memories. */
export interface SharedMemoryLimits {
  /** Initial size in 64 KiB pages. */
  readonly initial: number;
  /** Maximum size in 64 KiB pages (at most 65536). */
  readonly maximum: number;
  /** Must be true: the memory is a shared WebAssembly.Memory. */
  readonly shared: true;
}

/** Limits of an imported, non-shared memory. */
export interface MemoryLimits {
  /** Initial size in 64 KiB pages. */
  readonly initial: number;
  /** Optional maximum in 64 KiB pages. */
  readonly maximum?: number;
  /** False or absent: an unshared memory. */
  readonly shared?: false;
}

/** Limits and element type of an imported table. */
export interface TableLimits {
  /** Initial number of elements. */
  readonly initial: number;
  /** Optional maximum number of elements. */
  readonly maximum?: number;
  /** Element type, `funcref` by default. */
  readonly element?: typeof ValType.funcref | typeof ValType.externref;
}

/** A function signature. */
export interface FuncSig {
  /** Parameter types. */
  readonly params: readonly ValType[];
  /** Result types. */
  readonly results: readonly ValType[];
}

/** The offset of an active element segment: a constant, or the value of an (imported) i32 global. */
export type ElemOffset = number | { readonly global: number };

function writeLimits(w: ByteWriter, initial: number, maximum: number | undefined, shared: boolean): void {
  if (shared) {
    if (maximum === undefined) throw new Error("a shared memory needs a maximum");
    w.u8(0x03);
    w.uleb(initial);
    w.uleb(maximum);
  } else if (maximum !== undefined) {
    w.u8(0x01);
    w.uleb(initial);
    w.uleb(maximum);
  } else {
    w.u8(0x00);
    w.uleb(initial);
  }
}

function writeSection(out: Uint8Array, at: number, id: number, count: number, body: ByteWriter): number {
  out[at] = id;
  let o = writeULeb32(out, at + 1, uLeb32Size(count) + body.pos);
  o = writeULeb32(out, o, count);
  out.set(body.buf.subarray(0, body.pos), o);
  return o + body.pos;
}

function sectionSize(count: number, body: ByteWriter): number {
  const size = uLeb32Size(count) + body.pos;
  return 1 + uLeb32Size(size) + size;
}

/** Builds WebAssembly modules; see the file comment for the two phases. */
export class ModuleBuilder {
  private readonly typeKeys = new Map<string, number>();
  private readonly typeSigs: FuncSig[] = [];
  private readonly typeBytes = new ByteWriter(256);
  private prefixTypeCount = -1;
  private prefixTypeBytes = 0;

  private readonly importBytes = new ByteWriter(256);
  private importCount = 0;
  private importedFuncCount = 0;
  private importedGlobalCount = 0;
  private importedTableCount = 0;
  private importedMemory = false;
  private sealed = false;

  private readonly funcTypes: number[] = [];
  private readonly funcSection = new ByteWriter(256);
  private readonly codeSection = new ByteWriter(64 * 1024);
  private readonly exportSection = new ByteWriter(256);
  private exportCount = 0;
  private readonly elemSection = new ByteWriter(256);
  private elemCount = 0;
  private readonly dataSection = new ByteWriter(256);
  private dataCount = 0;
  private readonly fb = new FunctionBuilder(16 * 1024);
  private current = -1;

  // ---- prefix: types and imports -----------------------------------------------------

  /** Returns the index of the function type `(params) -> (results)`, adding it if new. */
  addType(params: readonly ValType[], results: readonly ValType[] = []): number {
    let key = "";
    for (const p of params) key += String.fromCharCode(p);
    key += ":";
    for (const r of results) key += String.fromCharCode(r);
    const found = this.typeKeys.get(key);
    if (found !== undefined) return found;
    const index = this.typeSigs.length;
    this.typeKeys.set(key, index);
    this.typeSigs.push({ params: [...params], results: [...results] });
    const w = this.typeBytes;
    w.u8(0x60);
    w.uleb(params.length);
    for (const p of params) w.u8(p);
    w.uleb(results.length);
    for (const r of results) w.u8(r);
    return index;
  }

  /** The signature of type `typeIndex`. */
  typeSig(typeIndex: number): FuncSig {
    const sig = this.typeSigs[typeIndex];
    if (sig === undefined) throw new RangeError(`no type ${typeIndex}`);
    return sig;
  }

  private importHeader(module: string, name: string, kind: ExternalKind): void {
    if (this.sealed) throw new Error("imports must be declared before sealPrefix()");
    this.importBytes.name(module);
    this.importBytes.name(name);
    this.importBytes.u8(kind);
    this.importCount++;
  }

  /** Imports a function of type `typeIndex`; returns its function index. */
  importFunction(module: string, name: string, typeIndex: number): number {
    this.typeSig(typeIndex);
    this.importHeader(module, name, ExternalKind.func);
    this.importBytes.uleb(typeIndex);
    return this.importedFuncCount++;
  }

  /** Imports the module's memory (index 0). A shared memory must give `maximum`. */
  importMemory(module: string, name: string, limits: SharedMemoryLimits | MemoryLimits): void {
    if (this.importedMemory) throw new Error("only one memory can be imported (no multi-memory)");
    if (limits.shared === true && (limits.maximum as number | undefined) === undefined) {
      throw new Error("a shared memory needs a maximum");
    }
    this.importHeader(module, name, ExternalKind.memory);
    writeLimits(this.importBytes, limits.initial, limits.maximum, limits.shared === true);
    this.importedMemory = true;
  }

  /** Imports a table; returns its table index. */
  importTable(module: string, name: string, limits: TableLimits): number {
    this.importHeader(module, name, ExternalKind.table);
    this.importBytes.u8(limits.element ?? ValType.funcref);
    writeLimits(this.importBytes, limits.initial, limits.maximum, false);
    return this.importedTableCount++;
  }

  /** Imports a global; returns its global index. */
  importGlobal(module: string, name: string, type: ValType, mutable = false): number {
    this.importHeader(module, name, ExternalKind.global);
    this.importBytes.u8(type);
    this.importBytes.u8(mutable ? 1 : 0);
    return this.importedGlobalCount++;
  }

  /**
   * Freezes the prefix (types so far and all imports). Afterwards `reset` returns the
   * builder to this point and imports can no longer be added.
   */
  sealPrefix(): void {
    this.sealed = true;
    this.prefixTypeCount = this.typeSigs.length;
    this.prefixTypeBytes = this.typeBytes.pos;
  }

  /** Number of imported functions: the index of the first defined function. */
  get importedFunctions(): number {
    return this.importedFuncCount;
  }

  // ---- per module: functions, exports, elements ---------------------------------------

  /**
   * Starts a function of type `typeIndex` and returns the (reused) emitter for its body.
   * Finish it with {@link endFunction} before starting the next one.
   */
  beginFunction(typeIndex: number): FunctionBuilder {
    if (this.current >= 0) throw new Error("beginFunction: previous function not ended");
    const sig = this.typeSig(typeIndex);
    this.current = typeIndex;
    this.fb.begin(sig.params);
    return this.fb;
  }

  /** Ends the current function; returns its function index. */
  endFunction(): number {
    if (this.current < 0) throw new Error("endFunction without beginFunction");
    this.fb.finishInto(this.codeSection);
    this.funcSection.uleb(this.current);
    this.funcTypes.push(this.current);
    this.current = -1;
    return this.importedFuncCount + this.funcTypes.length - 1;
  }

  /** Number of functions defined in the current module. */
  get definedFunctions(): number {
    return this.funcTypes.length;
  }

  /** Exports function `funcIndex` as `name`. */
  exportFunction(name: string, funcIndex: number): void {
    this.exportSection.name(name);
    this.exportSection.u8(ExternalKind.func);
    this.exportSection.uleb(funcIndex);
    this.exportCount++;
  }

  /** Exports the memory as `name`. */
  exportMemory(name: string): void {
    this.exportSection.name(name);
    this.exportSection.u8(ExternalKind.memory);
    this.exportSection.uleb(0);
    this.exportCount++;
  }

  /** Exports table `tableIndex` as `name`. */
  exportTable(name: string, tableIndex = 0): void {
    this.exportSection.name(name);
    this.exportSection.u8(ExternalKind.table);
    this.exportSection.uleb(tableIndex);
    this.exportCount++;
  }

  /**
   * Adds an active element segment: instantiation stores `funcIndices` into table
   * `tableIndex` from `offset` on (how a module of translated blocks publishes its
   * functions into a worker's chaining table).
   */
  addElements(tableIndex: number, offset: ElemOffset, funcIndices: readonly number[]): void {
    const w = this.elemSection;
    if (tableIndex === 0) {
      w.u8(0x00);
    } else {
      w.u8(0x02);
      w.uleb(tableIndex);
    }
    if (typeof offset === "number") {
      w.u8(Op.i32Const);
      w.sleb32(offset);
    } else {
      w.u8(Op.globalGet);
      w.uleb(offset.global);
    }
    w.u8(Op.end);
    if (tableIndex !== 0) w.u8(0x00); // elemkind funcref
    w.uleb(funcIndices.length);
    for (const f of funcIndices) w.uleb(f);
    this.elemCount++;
  }

  /**
   * Adds a data segment and returns its index: active (copied into the memory at
   * `offset` on instantiation) when `offset` is given, else passive (for `memory.init`).
   * Requires an imported memory.
   */
  addData(bytes: Uint8Array, offset?: number): number {
    if (!this.importedMemory) throw new Error("data segments need a memory");
    const w = this.dataSection;
    if (offset === undefined) {
      w.u8(0x01);
    } else {
      w.u8(0x00);
      w.u8(Op.i32Const);
      w.sleb32(offset);
      w.u8(Op.end);
    }
    w.uleb(bytes.length);
    w.bytes(bytes);
    return this.dataCount++;
  }

  /** The module's bytes. The builder keeps its state; call {@link reset} to start the next module. */
  finish(): Uint8Array {
    if (this.current >= 0) throw new Error("finish: a function is still open");
    const typeCount = this.typeSigs.length;
    const funcCount = this.funcTypes.length;
    let size = 8;
    if (typeCount > 0) size += sectionSize(typeCount, this.typeBytes);
    if (this.importCount > 0) size += sectionSize(this.importCount, this.importBytes);
    if (funcCount > 0) size += sectionSize(funcCount, this.funcSection);
    if (this.exportCount > 0) size += sectionSize(this.exportCount, this.exportSection);
    if (this.elemCount > 0) size += sectionSize(this.elemCount, this.elemSection);
    if (this.dataCount > 0) size += 1 + 1 + uLeb32Size(this.dataCount); // datacount: id, size, count
    if (funcCount > 0) size += sectionSize(funcCount, this.codeSection);
    if (this.dataCount > 0) size += sectionSize(this.dataCount, this.dataSection);
    const out = new Uint8Array(size);
    out.set([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]);
    let o = 8;
    if (typeCount > 0) o = writeSection(out, o, SectionId.type, typeCount, this.typeBytes);
    if (this.importCount > 0) o = writeSection(out, o, SectionId.import, this.importCount, this.importBytes);
    if (funcCount > 0) o = writeSection(out, o, SectionId.function, funcCount, this.funcSection);
    if (this.exportCount > 0) o = writeSection(out, o, SectionId.export, this.exportCount, this.exportSection);
    if (this.elemCount > 0) o = writeSection(out, o, SectionId.element, this.elemCount, this.elemSection);
    if (this.dataCount > 0) {
      out[o++] = SectionId.dataCount;
      out[o++] = uLeb32Size(this.dataCount);
      o = writeULeb32(out, o, this.dataCount);
    }
    if (funcCount > 0) o = writeSection(out, o, SectionId.code, funcCount, this.codeSection);
    if (this.dataCount > 0) o = writeSection(out, o, SectionId.data, this.dataCount, this.dataSection);
    if (o !== size) throw new Error(`internal: module size ${o} != ${size}`);
    return out;
  }

  /** Drops functions, exports, element and data segments and post-prefix types; keeps the sealed prefix. */
  reset(): void {
    if (!this.sealed) this.sealPrefix();
    this.current = -1;
    this.funcTypes.length = 0;
    this.funcSection.reset();
    this.codeSection.reset();
    this.exportSection.reset();
    this.exportCount = 0;
    this.elemSection.reset();
    this.elemCount = 0;
    this.dataSection.reset();
    this.dataCount = 0;
    if (this.typeSigs.length > this.prefixTypeCount) {
      for (let i = this.prefixTypeCount; i < this.typeSigs.length; i++) {
        const sig = this.typeSigs[i]!;
        let key = "";
        for (const p of sig.params) key += String.fromCharCode(p);
        key += ":";
        for (const r of sig.results) key += String.fromCharCode(r);
        this.typeKeys.delete(key);
      }
      this.typeSigs.length = this.prefixTypeCount;
      this.typeBytes.pos = this.prefixTypeBytes;
    }
  }
}
