/*
 * mmu-walker: runs a list of memory accesses in S and U mode under page tables that the
 * test (riscv-mmu-qemu.test.ts) built, on qemu-system-riscv64 -M virt -bios none, and
 * prints what the hardware did, so that the test can compare QEMU's page-table walk with
 * wasmu's (packages/tcg/src/target/riscv/priv/mmu.ts).
 *
 * The test loads its blob at 0x80200000 (-device loader):
 *   +0 count, +8 dump start (physical), +16 dump words, then at +64 `count` cases of 48
 *   bytes: va, kind (0 load, 1 store, 2 fetch), priv (0 U, 1 S), mstatus bits (SUM, MXR),
 *   satp, store value.
 * Each case runs from M mode: satp, sfence.vma, mstatus.MPP = priv, mret into the stub
 * page (VA 0x1000 for U, 0x2000 for S, both mapped to the stubs below) with a0 = va and
 * a1 = the store value. The stub loads, stores or jumps to va, then ecalls. The M-mode
 * trap handler prints one line per case: "C <index> <mcause> <mtval> <t1>", then, after
 * the last case, "D <addr> <word>" for every non-zero doubleword of the dump range (the
 * page tables, for the A and D bits), and powers off through sifive_test.
 */
        .equ UART, 0x10000000
        .equ TEST, 0x100000
        .equ BLOB, 0x80200000

        .section .text.start, "ax"
        .globl _start
_start:
        csrr    t0, mhartid
        bnez    t0, park
        li      sp, 0x80100000
        la      t0, trap
        csrw    mtvec, t0
        li      t0, -1
        csrw    pmpaddr0, t0            /* PMP: everything RWX for S and U */
        li      t0, 0x1f
        csrw    pmpcfg0, t0
        li      s0, BLOB
        ld      s1, 0(s0)               /* count */
        li      s2, 0                   /* index */
        addi    s3, s0, 64              /* case pointer */
next:
        bgeu    s2, s1, dump
        ld      t0, 32(s3)              /* satp */
        csrw    satp, t0
        sfence.vma
        li      t0, (3 << 11) | (1 << 18) | (1 << 19)
        csrc    mstatus, t0             /* MPP = U, SUM = MXR = 0 */
        ld      t0, 24(s3)
        csrs    mstatus, t0             /* SUM, MXR of the case */
        ld      t1, 16(s3)              /* priv */
        li      t2, 0x1000              /* U stubs */
        beqz    t1, 1f
        li      t0, 1 << 11
        csrs    mstatus, t0             /* MPP = S */
        li      t2, 0x2000              /* S stubs */
1:      ld      t0, 8(s3)               /* kind: stub at +16 * kind */
        slli    t0, t0, 4
        add     t2, t2, t0
        csrw    mepc, t2
        ld      a0, 0(s3)
        ld      a1, 40(s3)
        li      t1, 0
        mret

        .p2align 2
trap:
        csrr    s4, mcause
        csrr    s5, mtval
        mv      s6, t1
        li      a0, 'C'
        call    putc
        mv      a0, s2
        call    puthex
        mv      a0, s4
        call    puthex
        mv      a0, s5
        call    puthex
        mv      a0, s6
        call    puthex
        li      a0, '\n'
        call    putc
        csrw    satp, zero
        sfence.vma
        addi    s2, s2, 1
        addi    s3, s3, 48
        j       next

dump:
        ld      s4, 8(s0)               /* start */
        ld      s5, 16(s0)              /* words */
2:      beqz    s5, done
        ld      s6, 0(s4)
        beqz    s6, 3f
        li      a0, 'D'
        call    putc
        mv      a0, s4
        call    puthex
        mv      a0, s6
        call    puthex
        li      a0, '\n'
        call    putc
3:      addi    s4, s4, 8
        addi    s5, s5, -1
        j       2b
done:
        li      t0, TEST
        li      t1, 0x5555
        sw      t1, 0(t0)
park:
        wfi
        j       park

/* putc(a0): one byte to the UART, once THR is empty (LSR bit 5): QEMU drops bytes written
 * while its output is blocked on a full pipe. Uses t0, t1. */
putc:
        li      t0, UART
7:      lbu     t1, 5(t0)
        andi    t1, t1, 0x20
        beqz    t1, 7b
        sb      a0, 0(t0)
        ret

/* puthex(a0): " " then 16 hex digits. Uses t0-t3, a0, a2. */
puthex:
        mv      t3, ra
        mv      a2, a0
        li      a0, ' '
        call    putc
        li      t2, 60
4:      srl     a0, a2, t2
        andi    a0, a0, 15
        li      t0, 10
        blt     a0, t0, 5f
        addi    a0, a0, 'a' - 10
        j       6f
5:      addi    a0, a0, '0'
6:      call    putc
        addi    t2, t2, -4
        bgez    t2, 4b
        mv      ra, t3
        ret

/* The stubs, at physical 0x80001000: mapped at VA 0x1000 (U) and 0x2000 (S). */
        .section .text.stubs, "ax"
        .p2align 12
        .globl stubs
stubs:
        ld      t1, 0(a0)               /* +0x00 load */
        ecall
        .p2align 4
        sd      a1, 0(a0)               /* +0x10 store */
        ecall
        .p2align 4
        jr      a0                      /* +0x20 fetch: va holds an ecall */
