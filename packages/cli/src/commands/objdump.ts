/**
 * `wasmu objdump`: the GNU objdump listings wasmu offers (-d, -h, -t, -r, -R, -s), with GNU
 * objdump's option syntax (short options combine: `-ht`). An option GNU objdump accepts
 * that wasmu does not implement is refused by name with status 1, never ignored.
 */

import { readFileSync } from "node:fs";
import { NotDynamicError } from "../objdump/listings.js";
import { objdump, ObjdumpError, type ObjdumpOptions } from "../objdump/objdump.js";
import { VERSION } from "../version.js";
import type { CommandIo } from "./io.js";

const USAGE = `Usage: wasmu objdump <option(s)> <file(s)>
 Display information from ELF64 RISC-V files, as GNU objdump (binutils 2.40) does.
 At least one of the following switches must be given:
  -a, --archive-headers    Display archive header information
  -f, --file-headers       Display the contents of the overall file header
  -p, --private-headers    Display object format specific file header contents
  -h, --[section-]headers  Display the contents of the section headers
  -x, --all-headers        Display the contents of all headers
  -d, --disassemble        Display assembler contents of executable sections
  -s, --full-contents      Display the full contents of all sections requested
  -t, --syms               Display the contents of the symbol table(s)
  -r, --reloc              Display the relocation entries in the file
  -R, --dynamic-reloc      Display the dynamic relocation entries in the file
  -v, --version            Display this program's version number
  -H, --help               Display this information
 GNU objdump's other options (-T, -D, -S, -j, -M, ..., and -r or -R with -d)
 are not supported yet: wasmu objdump names them and exits with status 1.
`;

type Listing = "archiveHeaders" | "fileHeader" | "privateHeaders" | "allHeaders" | "sectionHeaders" | "symbols" | "relocs" | "dynamicRelocs" | "contents" | "disassemble";

/** Short options wasmu implements. */
const SHORT: Record<string, Listing | "help" | "version"> = {
  a: "archiveHeaders", f: "fileHeader", p: "privateHeaders", x: "allHeaders", h: "sectionHeaders", t: "symbols", r: "relocs", R: "dynamicRelocs", s: "contents", d: "disassemble", H: "help", v: "version",
};
/** Long options wasmu implements. */
const LONG: Record<string, Listing | "help" | "version"> = {
  "--archive-headers": "archiveHeaders", "--file-headers": "fileHeader", "--private-headers": "privateHeaders", "--all-headers": "allHeaders", "--headers": "sectionHeaders", "--section-headers": "sectionHeaders", "--syms": "symbols", "--reloc": "relocs",
  "--dynamic-reloc": "dynamicRelocs", "--full-contents": "contents",
  "--disassemble": "disassemble", "--help": "help", "--version": "version",
};

/** GNU objdump 2.40's other short options (those after which its argument follows, marked). */
const GNU_SHORT = new Map<string, string>([
  ["P", "--private"],
  ["D", "--disassemble-all"], ["S", "--source"], ["g", "--debugging"], ["e", "--debugging-tags"], ["G", "--stabs"], ["W", "--dwarf"],
  ["L", "--process-links"], ["T", "--dynamic-syms"], ["i", "--info"],
  ["b", "--target"], ["m", "--architecture"], ["j", "--section"], ["M", "--disassembler-options"], ["E", "--endian"],
  ["I", "--include"], ["l", "--line-numbers"], ["F", "--file-offsets"], ["C", "--demangle"], ["w", "--wide"], ["U", "--unicode"],
  ["z", "--disassemble-zeroes"], ["V", "--version"],
]);
/** GNU objdump 2.40's other long options. */
const GNU_LONG = new Set([
  "--archive-headers", "--file-headers", "--private-headers", "--private", "--all-headers", "--disassemble-all", "--source",
  "--source-comment", "--debugging", "--debugging-tags", "--stabs", "--dwarf", "--process-links", "--ctf", "--sframe",
  "--dynamic-syms", "--reloc", "--dynamic-reloc", "--info", "--target", "--architecture", "--section", "--disassembler-options",
  "--endian", "--file-start-context", "--include", "--line-numbers", "--file-offsets", "--demangle", "--recurse-limit",
  "--no-recurse-limit", "--wide", "--unicode", "--disassemble-zeroes", "--start-address", "--stop-address", "--no-addresses",
  "--prefix-addresses", "--show-raw-insn", "--no-show-raw-insn", "--insn-width", "--adjust-vma", "--show-all-symbols",
  "--special-syms", "--inlines", "--prefix", "--prefix-strip", "--dwarf-depth", "--dwarf-start", "--dwarf-check", "--ctf-parent",
  "--visualize-jumps", "--disassembler-color",
]);

/** `shown`: the option as given, with its long name for a short one ("'-x' (--all-headers)"). */
function notSupported(io: CommandIo, shown: string): number {
  io.err(`wasmu objdump: option ${shown} is not supported (wasmu objdump offers -a, -d, -f, -h, -p, -r, -R, -s, -t and -x)\n`);
  return 1;
}

/** Runs `wasmu objdump ARGS`; returns the exit status. */
export function objdumpCommand(args: readonly string[], io: CommandIo): number {
  const show: Partial<Record<Listing, boolean>> = {};
  const files: string[] = [];
  let optionsDone = false;
  for (const arg of args) {
    if (optionsDone || !arg.startsWith("-") || arg === "-") {
      files.push(arg);
      continue;
    }
    if (arg === "--") {
      optionsDone = true;
      continue;
    }
    let what: Listing | "help" | "version" | undefined;
    if (arg.startsWith("--")) {
      const name = arg.split("=", 1)[0]!;
      // --disassemble=SYMBOL (one function) is not the plain -d.
      what = arg.includes("=") ? undefined : LONG[name];
      if (what === undefined) {
        if (GNU_LONG.has(name) || LONG[name] !== undefined) return notSupported(io, `'${arg}'`);
        io.err(`wasmu objdump: unrecognized option '${arg}'\n${USAGE}`);
        return 2;
      }
      if (what === "help") {
        io.out(USAGE);
        return 0;
      }
      if (what === "version") {
        io.out(`wasmu objdump ${VERSION}\n`);
        return 0;
      }
      show[what] = true;
      continue;
    }
    // A cluster of short options, as getopt reads it.
    for (const c of arg.slice(1)) {
      const mine = SHORT[c];
      if (mine === "help") {
        io.out(USAGE);
        return 0;
      }
      if (mine === "version") {
        io.out(`wasmu objdump ${VERSION}\n`);
        return 0;
      }
      if (mine !== undefined) {
        show[mine] = true;
        continue;
      }
      const gnu = GNU_SHORT.get(c);
      if (gnu !== undefined) return notSupported(io, `'-${c}' (${gnu})`);
      io.err(`wasmu objdump: invalid option -- '${c}'\n${USAGE}`);
      return 2;
    }
  }
  // -x is -a -f -p -h -r -t (-a lists nothing for a file that is not an archive).
  if (show.allHeaders) Object.assign(show, { archiveHeaders: true, fileHeader: true, privateHeaders: true, sectionHeaders: true, relocs: true, symbols: true });
  delete show.allHeaders;
  // With -d, objdump prints relocations inline in the disassembly: not done yet.
  if (show.disassemble && (show.relocs || show.dynamicRelocs)) return notSupported(io, `'${show.relocs ? "-r" : "-R"}' with '-d' (relocations inline in the disassembly)`);
  if (Object.keys(show).length === 0 || files.length === 0) {
    io.err(USAGE);
    return 2;
  }
  const listings: NonNullable<ObjdumpOptions["show"]> = show;
  let status = 0;
  for (const file of files) {
    let bytes: Uint8Array;
    try {
      bytes = readFileSync(file);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      const reason = code === "ENOENT" ? "No such file" : code === "EISDIR" ? "is a directory" : code === "EACCES" ? "Permission denied" : String((e as Error).message);
      io.err(`wasmu objdump: '${file}': ${reason}\n`);
      status = 1;
      continue;
    }
    try {
      objdump(bytes, { fileName: file, write: io.out, show: listings });
    } catch (e) {
      if (e instanceof NotDynamicError) {
        // As GNU objdump: two lines, and no further file.
        io.err(`wasmu objdump: ${file}: not a dynamic object\nwasmu objdump: ${file}: invalid operation\n`);
        return 1;
      }
      if (!(e instanceof ObjdumpError)) throw e;
      io.err(`wasmu objdump: ${e.message}\n`);
      status = 1;
    }
  }
  return status;
}
