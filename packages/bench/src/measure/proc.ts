// Reading Linux's /proc: the process table (for the tree under a pid), the memory of
// one process, and the CPU time of the children this process has waited for.
import { readdirSync, readFileSync } from "node:fs";

/** Clock ticks per second of the times in /proc/<pid>/stat (USER_HZ, 100 on Linux). */
export const USER_HZ = 100;

/** The fields of /proc/<pid>/stat after the command name, split (field 3 of proc(5) first). */
function statFields(pid: number | "self"): string[] | null {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, "latin1");
  } catch {
    return null;
  }
  // The command name (field 2) is in parentheses and may hold spaces and parentheses.
  const close = text.lastIndexOf(")");
  if (close < 0) return null;
  return text.slice(close + 2).trim().split(" ");
}

/** Whether /proc is there to be read (Linux). */
export function procAvailable(): boolean {
  return statFields("self") !== null;
}

/**
 * User and system CPU time, in milliseconds, of every child of this process that has
 * ended and been waited for, with their own waited-for descendants (fields 16 and 17,
 * cutime and cstime, of /proc/self/stat). Null where /proc is absent.
 */
export function waitedChildrenCpuMs(): { userMs: number; sysMs: number } | null {
  const f = statFields("self");
  if (f === null) return null;
  // proc(5) numbers fields from 1; f[0] is field 3, so field k is f[k - 3].
  const cutime = Number(f[16 - 3]);
  const cstime = Number(f[17 - 3]);
  return { userMs: (cutime * 1000) / USER_HZ, sysMs: (cstime * 1000) / USER_HZ };
}

/** Resident memory of one process: now (VmRSS) and its high-water mark (VmHWM), in bytes. */
export function processMemory(pid: number): { rss: number; hwm: number } | null {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/status`, "latin1");
  } catch {
    return null;
  }
  const kb = (key: string): number | null => {
    const m = new RegExp(`^${key}:\\s+(\\d+) kB`, "m").exec(text);
    return m ? Number(m[1]) * 1024 : null;
  };
  const rss = kb("VmRSS");
  const hwm = kb("VmHWM");
  // A zombie has no memory lines left.
  if (rss === null || hwm === null) return null;
  return { rss, hwm };
}

/**
 * Follows the descendants of one process by scanning /proc. The kernel of this machine
 * kind has no /proc/<pid>/task/<tid>/children, so the parent of every process is read
 * from its stat file; a process is read once, when it first appears, which keeps a
 * poll cheap (one readdir plus the new processes).
 */
export class ProcessTreeScanner {
  /** Parent of every process seen so far that is still listed in /proc. */
  private readonly parentOf = new Map<number, number>();
  private readonly members = new Set<number>();

  constructor(readonly root: number) {
    this.members.add(root);
  }

  /** The pids of the root and its live descendants, as of now. */
  scan(): number[] {
    let names: string[];
    try {
      names = readdirSync("/proc");
    } catch {
      return [this.root];
    }
    const live = new Set<number>();
    const fresh: number[] = [];
    for (const name of names) {
      const c = name.charCodeAt(0);
      if (c < 48 || c > 57) continue;
      const pid = Number(name);
      live.add(pid);
      if (!this.parentOf.has(pid)) fresh.push(pid);
    }
    for (const pid of this.parentOf.keys()) if (!live.has(pid)) this.parentOf.delete(pid);
    for (const pid of fresh) {
      const f = statFields(pid);
      if (f !== null) this.parentOf.set(pid, Number(f[4 - 3]));
    }
    // Fixpoint: a grandchild may be listed before its parent joins the tree.
    let grew = true;
    while (grew) {
      grew = false;
      for (const [pid, ppid] of this.parentOf) {
        if (!this.members.has(pid) && this.members.has(ppid)) {
          this.members.add(pid);
          grew = true;
        }
      }
    }
    // Forget the dead, so that a reused pid does not join the tree.
    for (const pid of this.members) if (pid !== this.root && !live.has(pid)) this.members.delete(pid);
    return [...this.members].filter((pid) => pid === this.root || live.has(pid));
  }
}
