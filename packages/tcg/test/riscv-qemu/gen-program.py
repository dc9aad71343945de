#!/usr/bin/env python3
"""Writes program.S: the RISC-V differential-test program (see README in build.sh).

Each block: `call init` (x3..x31, f0..f31 from tables, fflags cleared, frm = 0), a few
instructions whose sources are the boundary values in x3..x20 / f0..f19 and whose
destinations are x21..x31 / f20..f31, then `call dump`, which writes x1..x31, f0..f31,
fflags and 64 bytes of the scratch buffer to stdout. x1 is the link register, x2 (sp)
points at the output buffer. Deterministic: the same program runs under qemu-riscv64 and
under wasmu's front end + IR interpreter, and the outputs must be identical.
"""
import argparse
import random

ap = argparse.ArgumentParser()
ap.add_argument("--seed", type=int, default=20261125)
ap.add_argument("--random", type=int, default=0, help="only N random blocks mixing every form (differential fuzzing)")
ap.add_argument("--out", default="program.S")
args = ap.parse_args()
rng = random.Random(args.seed)
VALS = list(range(3, 21))      # x3..x20 hold boundary values
RES = list(range(21, 32))      # x21..x31 receive results
FVALS = list(range(0, 20))     # f0..f19
FRES = list(range(20, 32))     # f20..f31

X_INIT = [
    0, 1, -1, -(1 << 63), (1 << 63) - 1, 0x80000000, 0x7fffffff, 0xffffffff, -0x80000000,
    63, 64, 32, 31, 0x0123456789abcdef, -0x0123456789abcdf0, -2, 2, 3,
]
# Doubles and NaN-boxed singles (bit patterns) in f0..f19; f20..f31 start as unboxed junk.
BOX = 0xffffffff00000000
F_INIT = [
    0x3ff0000000000000, 0xbff0000000000000, 0x0000000000000000, 0x8000000000000000,
    0x7ff0000000000000, 0xfff0000000000000, 0x7ff8000000000000, 0x7ff0000000000001,
    0x0000000000000001, 0x7fefffffffffffff, 0x4008000000000000, 0x43e0000000000000,
    BOX | 0x3f800000, BOX | 0xbf800000, BOX | 0x7f800000, BOX | 0x7fc00000,
    BOX | 0x7f800001, BOX | 0x00000001, BOX | 0x4f000000, 0x000000003f800000,
] + [0x1234567800000000 + i for i in range(12)]

def x(n): return f"x{n}"
def f(n): return f"f{n}"

blocks = []

def block(lines):
    blocks.append(lines)

def rr(ops, per=11, pairs=22):
    for op in ops:
        combos = [(rng.choice(VALS), rng.choice(VALS)) for _ in range(pairs)]
        for i in range(0, len(combos), per):
            block([f"{op} {x(RES[j])}, {x(a)}, {x(b)}" for j, (a, b) in enumerate(combos[i:i + per])])

def ri(ops, imms, per=11):
    for op in ops:
        lines = []
        for imm in imms:
            lines.append(f"{op} {x(RES[len(lines)])}, {x(rng.choice(VALS))}, {imm}")
            if len(lines) == per:
                block(lines); lines = []
        if lines: block(lines)

def un(ops, per=11):
    for op in ops:
        block([f"{op} {x(RES[j])}, {x(VALS[(j * 5 + 3) % len(VALS)])}" for j in range(per)])
        block([f"{op} {x(RES[j])}, {x(VALS[(j * 7 + 1) % len(VALS)])}" for j in range(per)])

# ---- RV64I / M / Zba / Zbb / Zbs
rr(["add", "sub", "sll", "slt", "sltu", "xor", "srl", "sra", "or", "and",
    "addw", "subw", "sllw", "srlw", "sraw",
    "mul", "mulh", "mulhsu", "mulhu", "div", "divu", "rem", "remu",
    "mulw", "divw", "divuw", "remw", "remuw",
    "sh1add", "sh2add", "sh3add", "add.uw", "sh1add.uw", "sh2add.uw", "sh3add.uw",
    "andn", "orn", "xnor", "max", "maxu", "min", "minu", "rol", "ror", "rolw", "rorw",
    "bclr", "bext", "binv", "bset"])
ri(["addi", "slti", "sltiu", "xori", "ori", "andi", "addiw"], [0, 1, -1, 2047, -2048, 0x7ff, -0x800, 5, -5, 0x555, -0x556])
ri(["slli", "srli", "srai", "rori", "bclri", "bexti", "binvi", "bseti", "slli.uw"], [0, 1, 31, 32, 33, 62, 63, 7, 48, 16, 40])
ri(["slliw", "srliw", "sraiw", "roriw"], [0, 1, 15, 16, 30, 31, 7, 8, 24, 3, 29])
# ctzw is left out: QEMU 7.2's ctzw reads the destination register instead of rs1 (fixed in
# QEMU 8.0, "target/riscv: fix ctzw behavior"); riscv-semantics.test.ts checks it against the spec.
un(["clz", "ctz", "cpop", "clzw", "cpopw", "sext.b", "sext.h", "zext.h", "orc.b", "rev8"])
block([f"lui {x(RES[j])}, {imm}" for j, imm in enumerate([0, 1, 0x7ffff, 0x80000, 0xfffff, 0x12345])])

# ---- branches, jumps (results via taken/not-taken flags)
for cond in ["beq", "bne", "blt", "bge", "bltu", "bgeu"]:
    lines = []
    for j in range(11):
        a, b = rng.choice(VALS), rng.choice(VALS + [rng.choice(VALS)] * 4)
        lines += [f"li {x(RES[j])}, 0", f"{cond} {x(a)}, {x(b)}, 1f", f"li {x(RES[j])}, 1", "1:"]
    block(lines)
block(["jal x21, 1f", "li x22, 5", "1: auipc x23, 0", "sub x23, x23, x21",
       "la x24, 2f", "jalr x25, 0(x24)", "li x26, 9", "2: sub x25, x25, x24", "la x28, 3f", "addi x27, x28, 3", "jalr x27, -3(x27)", "3: sub x27, x27, x28"])

# ---- loads, stores, A (on the scratch buffer; x31 = its address)
block(["la x31, scratch"] + [f"{op} {x(21 + j)}, {off}(x31)" for j, (op, off) in enumerate(
    [("lb", 7), ("lbu", 7), ("lh", 6), ("lhu", 6), ("lw", 4), ("lwu", 4), ("ld", 0), ("lh", 1), ("lw", 3), ("ld", 5)])])
block(["la x31, scratch", "sd x6, 0(x31)", "sw x13, 8(x31)", "sh x16, 12(x31)", "sb x17, 14(x31)",
       "sd x7, 17(x31)", "sw x5, 27(x31)", "ld x21, 16(x31)", "lw x22, 24(x31)"])
for op in ["amoswap", "amoadd", "amoxor", "amoand", "amoor", "amomin", "amomax", "amominu", "amomaxu"]:
    for w, st in (("w", "sw"), ("d", "sd")):
        lines = ["la x31, scratch"]
        for j, (v, s) in enumerate([(5, 7), (6, 8), (7, 16), (8, 4)]):
            lines += [f"{st} {x(v)}, {8 * j}(x31)", f"addi x30, x31, {8 * j}", f"{op}.{w}{'.aqrl' if j == 1 else ''} {x(21 + j)}, {x(s)}, (x30)"]
        block(lines)
block(["la x31, scratch", "sd x15, 0(x31)", "lr.d x21, (x31)", "sc.d x22, x16, (x31)", "sc.d x23, x16, (x31)",
       "lr.w.aq x24, (x31)", "sc.w.rl x25, x6, (x31)", "ld x26, 0(x31)", "lr.w x27, (x31)", "sw x5, 0(x31)", "sc.w x28, x4, (x31)", "ld x29, 0(x31)"])

# ---- F / D
RMS = ["rne", "rtz", "rdn", "rup", "rmm"]
def fp(op, n, dst="f", per=4, combos=16, rms=True):
    for i in range(0, combos, per):
        lines = []
        if rms: lines.append(f"fsrmi {rng.randrange(5)}")
        for j in range(per):
            srcs = [f(rng.choice(FVALS)) for _ in range(n)]
            rd = f(FRES[j]) if dst == "f" else x(RES[j])
            rm = f", {rng.choice(RMS)}" if rms and rng.random() < 0.6 else ""
            lines.append(f"{op} {rd}, {', '.join(srcs)}{rm}")
        block(lines)

for p in ("s", "d"):
    for op in ["fadd", "fsub", "fmul", "fdiv"]: fp(f"{op}.{p}", 2)
    fp(f"fsqrt.{p}", 1)
    for op in ["fmadd", "fmsub", "fnmsub", "fnmadd"]: fp(f"{op}.{p}", 3)
    for op in ["fsgnj", "fsgnjn", "fsgnjx", "fmin", "fmax"]: fp(f"{op}.{p}", 2, rms=False)
    for op in ["feq", "flt", "fle"]: fp(f"{op}.{p}", 2, dst="x", rms=False)
    fp(f"fclass.{p}", 1, dst="x", rms=False, combos=20)
    for cv in ["w", "wu", "l", "lu"]: fp(f"fcvt.{cv}.{p}", 1, dst="x", combos=20)
    for cv in ["w", "wu", "l", "lu"]:
        for i in range(0, 16, 4):
            rm = "" if p == "d" and cv in ("w", "wu") else f", {rng.choice(RMS)}"
            block([f"fcvt.{p}.{cv} {f(FRES[j])}, {x(rng.choice(VALS))}{rm}" for j in range(4)])
fp("fcvt.s.d", 1, combos=20)
fp("fcvt.d.s", 1, combos=20, rms=False)
block([f"fmv.x.w {x(RES[j])}, {f(FVALS[j * 2])}" for j in range(10)])
block([f"fmv.x.d {x(RES[j])}, {f(FVALS[j * 2 + 1])}" for j in range(10)])
block([f"fmv.w.x {f(FRES[j])}, {x(VALS[j])}" for j in range(11)] + [f"fmv.d.x f31, {x(VALS[12])}"])
block(["la x31, scratch", "fsd f9, 0(x31)", "fsw f12, 8(x31)", "flw f20, 0(x31)", "fld f21, 8(x31)",
       "flw f22, 4(x31)", "fsw f0, 16(x31)", "fld f23, 16(x31)"])
block(["li x21, 0xff", "fscsr x22, x21", "frrm x23", "frflags x24", "fsflags x25, x3", "csrrci x26, fcsr, 0x1f",
       "fsrmi x27, 2", "fadd.d f20, f0, f8", "csrrs x28, frm, x4", "frcsr x29"])

# ---- C (explicit RVC forms; x8..x15 are the compressed registers; sp is the output buffer)
block([".option rvc", "c.addi x8, -3", "c.addiw x9, 31", "c.li x10, -32", "c.lui x11, 0x1f", "c.lui x12, 0xfffe0",
       "c.srli x13, 63", "c.srai x14, 1", "c.andi x15, -1", "c.slli x16, 17", "c.mv x21, x6", "c.add x22, x5", ".option norvc"])
block([".option rvc", "c.sub x8, x9", "c.xor x10, x11", "c.or x12, x13", "c.and x14, x15", "c.subw x9, x15",
       "c.addw x11, x14", "c.addi4spn x13, sp, 8", "c.addi16sp sp, 16", "c.addi16sp sp, -16", ".option norvc"])
block(["la x9, scratch", ".option rvc", "c.lw x8, 4(x9)", "c.ld x10, 8(x9)", "c.sw x12, 16(x9)", "c.sd x13, 24(x9)",
       "c.fld f8, 0(x9)", "c.fsd f9, 32(x9)", "c.sdsp x5, 24(sp)", "c.ldsp x21, 24(sp)", "c.lwsp x22, 28(sp)",
       "c.fldsp f20, 16(sp)", "c.fsdsp f0, 40(sp)", "c.ldsp x23, 40(sp)", ".option norvc"])
block([".option rvc", "c.li x21, 0", "c.beqz x8, 1f", "c.li x21, 1", "1: c.li x22, 0", "c.bnez x11, 2f", "c.li x22, 1",
       "2: c.j 3f", "c.li x23, 1", "3: c.li x23, 2", ".option norvc", "la x9, 4f", ".option rvc", "c.jalr x9", "4: c.li x24, 3",
       ".option norvc", "la x9, 5f", ".option rvc", "c.jr x9", "c.li x25, 1", "5: c.li x26, 5", ".option norvc", "sub x27, x1, x9"])

if args.random > 0:
    R_OPS = ["add", "sub", "sll", "slt", "sltu", "xor", "srl", "sra", "or", "and", "addw", "subw", "sllw", "srlw", "sraw",
             "mul", "mulh", "mulhsu", "mulhu", "div", "divu", "rem", "remu", "mulw", "divw", "divuw", "remw", "remuw",
             "sh1add", "sh2add", "sh3add", "add.uw", "sh1add.uw", "sh2add.uw", "sh3add.uw", "andn", "orn", "xnor",
             "max", "maxu", "min", "minu", "rol", "ror", "rolw", "rorw", "bclr", "bext", "binv", "bset"]
    I_OPS = [("addi", -2048, 2047), ("slti", -2048, 2047), ("sltiu", -2048, 2047), ("xori", -2048, 2047), ("ori", -2048, 2047),
             ("andi", -2048, 2047), ("addiw", -2048, 2047), ("slli", 0, 63), ("srli", 0, 63), ("srai", 0, 63), ("rori", 0, 63),
             ("bclri", 0, 63), ("bexti", 0, 63), ("binvi", 0, 63), ("bseti", 0, 63), ("slli.uw", 0, 63), ("slliw", 0, 31),
             ("srliw", 0, 31), ("sraiw", 0, 31), ("roriw", 0, 31)]
    U_OPS = ["clz", "ctz", "cpop", "clzw", "cpopw", "sext.b", "sext.h", "zext.h", "orc.b", "rev8"]
    F_OPS = [(f"{op}.{p}", n, d, r) for p in "sd" for (op, n, d, r) in [
        ("fadd", 2, "f", True), ("fsub", 2, "f", True), ("fmul", 2, "f", True), ("fdiv", 2, "f", True), ("fsqrt", 1, "f", True),
        ("fmadd", 3, "f", True), ("fmsub", 3, "f", True), ("fnmsub", 3, "f", True), ("fnmadd", 3, "f", True),
        ("fsgnj", 2, "f", False), ("fsgnjn", 2, "f", False), ("fsgnjx", 2, "f", False), ("fmin", 2, "f", False),
        ("fmax", 2, "f", False), ("feq", 2, "x", False), ("flt", 2, "x", False), ("fle", 2, "x", False),
        ("fclass", 1, "x", False), ("fcvt.w", 1, "x", True), ("fcvt.wu", 1, "x", True), ("fcvt.l", 1, "x", True),
        ("fcvt.lu", 1, "x", True)]] + [("fcvt.s.d", 1, "f", True), ("fcvt.d.s", 1, "f", False)]
    LOADS = [("lb", 1), ("lbu", 1), ("lh", 2), ("lhu", 2), ("lw", 4), ("lwu", 4), ("ld", 8)]
    STORES = [("sb", 1), ("sh", 2), ("sw", 4), ("sd", 8)]
    AMOS = ["amoswap", "amoadd", "amoxor", "amoand", "amoor", "amomin", "amomax", "amominu", "amomaxu"]
    CONDS = ["beq", "bne", "blt", "bge", "bltu", "bgeu"]
    blocks = []
    for _ in range(args.random):
        # x31 = scratch (64 bytes, reset by init); plain accesses may be misaligned (user mode).
        lines = [f"fsrmi {rng.randrange(5)}", "la x31, scratch"]
        for j in range(8):
            k = rng.random()
            if k < 0.08:
                op, n = rng.choice(LOADS)
                lines.append(f"{op} {x(RES[j])}, {rng.randrange(64 - n + 1)}(x31)")
                continue
            if k < 0.14:
                op, n = rng.choice(STORES)
                lines.append(f"{op} {x(rng.choice(VALS))}, {rng.randrange(64 - n + 1)}(x31)")
                continue
            if k < 0.19:
                w = rng.choice("wd")
                n = 4 if w == "w" else 8
                lines += [f"addi x30, x31, {n * rng.randrange(64 // n)}",
                          f"{rng.choice(AMOS)}.{w}{rng.choice(['', '.aq', '.rl', '.aqrl'])} {x(RES[j])}, {x(rng.choice(VALS))}, (x30)"]
                continue
            if k < 0.22:
                w = rng.choice("wd")
                n = 4 if w == "w" else 8
                lines += [f"addi x30, x31, {n * rng.randrange(64 // n)}", f"lr.{w} {x(RES[j])}, (x30)"]
                if rng.random() < 0.3:
                    lines.append(f"sw {x(rng.choice(VALS))}, {4 * rng.randrange(16)}(x31)")
                lines.append(f"sc.{w} {x(RES[j])}, {x(rng.choice(VALS))}, ({'x30' if rng.random() < 0.8 else 'x31'})")
                continue
            if k < 0.27:
                lines += [f"li {x(RES[j])}, {j}", f"{rng.choice(CONDS)} {x(rng.choice(VALS))}, {x(rng.choice(VALS))}, 1f",
                          f"addi {x(RES[j])}, {x(RES[j])}, 100", "1:"]
                continue
            if k < 0.35 + 0.27:
                lines.append(f"{rng.choice(R_OPS)} {x(RES[j])}, {x(rng.choice(VALS))}, {x(rng.choice(VALS))}")
            elif k < 0.75:
                op, lo, hi = rng.choice(I_OPS)
                lines.append(f"{op} {x(RES[j])}, {x(rng.choice(VALS))}, {rng.randint(lo, hi)}")
            elif k < 0.82:
                lines.append(f"{rng.choice(U_OPS)} {x(RES[j])}, {x(rng.choice(VALS))}")
            else:
                op, n, d, r = rng.choice(F_OPS)
                srcs = ", ".join(f(rng.choice(FVALS)) for _ in range(n))
                rd = f(FRES[j]) if d == "f" else x(RES[j])
                rm = f", {rng.choice(RMS)}" if r and rng.random() < 0.5 else ""
                lines.append(f"{op} {rd}, {srcs}{rm}")
        blocks.append(lines)

out = ["# Generated by gen-program.py; do not edit.", ".option norvc", ".text", ".globl _start", "_start:",
       "  la sp, outbuf"]
for i, b in enumerate(blocks):
    out.append(f"# block {i}")
    out.append("  call init")
    out += [f"  {l}" if not l.endswith(":") else l for l in b]  # "1: insn" lines are fine indented too
    out.append("  call dump")
out += ["  li a0, 0", "  li a7, 93", "  ecall", "",
        "init:", "  la x31, xtab"]
for r in range(3, 31):
    out.append(f"  ld x{r}, {8 * r}(x31)")
out.append("  la x31, ftab")
for r in range(32):
    out.append(f"  fld f{r}, {8 * r}(x31)")
out.append("  la x31, scratch")
out.append("  la x30, scratch_init")
for k in range(8):
    out += [f"  ld x29, {8 * k}(x30)", f"  sd x29, {8 * k}(x31)"]
out += ["  la x31, xtab", "  ld x29, 232(x31)", "  ld x30, 240(x31)", "  ld x31, 248(x31)",
        "  fscsr x0", "  ret", "",
        "dump:"]
for r in range(1, 32):
    out.append(f"  sd x{r}, {8 * r}(sp)")
for r in range(32):
    out.append(f"  fsd f{r}, {256 + 8 * r}(sp)")
out += ["  frflags t0", "  sd t0, 0(sp)", "  la t1, scratch"]
for k in range(8):
    out += [f"  ld t0, {8 * k}(t1)", f"  sd t0, {512 + 8 * k}(sp)"]
out += ["  li a0, 1", "  mv a1, sp", "  li a2, 576", "  li a7, 64", "  ecall", "  ret", "",
        ".data", ".balign 8", "xtab:"]
xs = [0, 0, 0] + X_INIT + [0x1111111111111111 * (k % 15 + 1) for k in range(11)]
out += [f"  .dword {v & 0xffffffffffffffff:#x}" for v in xs]
out.append("ftab:")
out += [f"  .dword {v:#x}" for v in F_INIT]
out.append("scratch_init:")
out += [f"  .dword {v:#x}" for v in [0x8081828384858687, 0x7f7e7d7c7b7a7978, 0xfffefdfcfbfaf9f8, 0x0001020304050607,
                                     0xdeadbeefcafebabe, 0x0123456789abcdef, 0x8000000000000000, 0xffffffffffffffff]]
out += [".bss", ".balign 8", "scratch: .space 64", "outbuf: .space 1024"]
open(args.out, "w").write("\n".join(out) + "\n")
print(f"{len(blocks)} blocks")
