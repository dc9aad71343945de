/**
 * Test support (shipped in dist so that worker_threads can load it): runs one vCPU of a
 * shared execution environment in the calling worker, with a translator created from a
 * module URL (the exec layer stays guest-neutral), and modules compiled by other workers
 * pre-published in its registry. Returns the exit, the statistics and the modules this
 * worker compiled (WebAssembly.Module objects are posted, not recompiled).
 *
 * @module
 */
import type { CpuExit, ExecStats } from "../cpu-exec.js";
import type { ExecShared } from "../exec-shared.js";
import { BareMetal } from "../harness.js";
import type { Translator } from "../translator.js";
import type { WasmModule } from "../wasm-api.js";
import { LocalModuleRegistry } from "../worker-runtime.js";

/** A compiled module and the TBs it places. */
export interface PostedModule {
  /** The module (postable). */
  readonly module: WasmModule;
  /** TBs it exports. */
  readonly tbs: readonly number[];
  /** Flush generation it belongs to. */
  readonly generation: number;
}

/** Arguments of {@link runVcpu}. */
export interface RunVcpuArgs {
  /** The environment (posted). */
  readonly shared: ExecShared;
  /** The vCPU index. */
  readonly vcpu: number;
  /** URL of the module exporting the translator factory. */
  readonly translatorUrl: string;
  /** Name of the factory (called without arguments). */
  readonly translatorFn: string;
  /** Extra translator fields (e.g. `pcOffset`). */
  readonly translatorExtra?: Record<string, unknown>;
  /** Starting pc. */
  readonly pc: bigint;
  /** Modules compiled elsewhere. */
  readonly modules?: readonly PostedModule[];
  /** Enable the debug lock checker. */
  readonly debugLocks?: boolean;
}

/** Result of {@link runVcpu}. */
export interface RunVcpuResult {
  /** How the run ended. */
  readonly exit: CpuExit;
  /** The vCPU's statistics. */
  readonly stats: ExecStats;
  /** Modules this worker compiled. */
  readonly compiled: PostedModule[];
}

/** Runs vCPU `args.vcpu` until it stops (see {@link RunVcpuArgs}). */
export async function runVcpu(args: RunVcpuArgs): Promise<RunVcpuResult> {
  const factory = ((await import(args.translatorUrl)) as Record<string, () => Translator>)[args.translatorFn];
  if (factory === undefined) throw new Error(`no ${args.translatorFn} in ${args.translatorUrl}`);
  const translator = { ...factory(), ...args.translatorExtra };
  const compiled: PostedModule[] = [];
  const registry = new LocalModuleRegistry();
  for (const m of args.modules ?? []) registry.publish(m.module, m.tbs, m.generation);
  const publish = registry.publish.bind(registry);
  registry.publish = (module, tbs, generation): void => {
    compiled.push({ module, tbs: [...tbs], generation });
    publish(module, tbs, generation);
  };
  const m = new BareMetal({ translator, shared: args.shared, vcpu: args.vcpu, registry, debugLocks: args.debugLocks ?? false });
  m.setPc(args.pc);
  const exit = m.run();
  return { exit, stats: { ...m.cpu.stats }, compiled };
}
