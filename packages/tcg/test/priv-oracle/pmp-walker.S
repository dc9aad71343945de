/*
 * pmp-walker: runs a list of physical memory accesses (satp = 0) in M, S and U mode under a
 * PMP configuration that the test (riscv-pmp-qemu.test.ts) chose, on qemu-system-riscv64
 * -M virt -bios none, and prints what the hardware did, so that the test can compare
 * QEMU's PMP with wasmu's (packages/tcg/src/target/riscv/priv/pmp.ts).
 *
 * The blob at 0x80200000 (-device loader): +0 count, +8 pmpcfg0, +16 pmpcfg2, +24
 * pmpaddr0..15, then at +256 `count` cases of 48 bytes: pa, kind (0 load, 1 store,
 * 2 fetch), privilege (0 U, 1 S, 3 M), unused, unused, store value. The stubs run at their physical
 * address 0x80001000 (+16 × kind); the M-mode handler prints "C <index> <mcause> <mtval>
 * <t1>" per case and powers off after the last.
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
        li      s0, BLOB
        ld      t0, 24(s0)
        csrw    pmpaddr0, t0
        ld      t0, 32(s0)
        csrw    pmpaddr1, t0
        ld      t0, 40(s0)
        csrw    pmpaddr2, t0
        ld      t0, 48(s0)
        csrw    pmpaddr3, t0
        ld      t0, 56(s0)
        csrw    pmpaddr4, t0
        ld      t0, 64(s0)
        csrw    pmpaddr5, t0
        ld      t0, 72(s0)
        csrw    pmpaddr6, t0
        ld      t0, 80(s0)
        csrw    pmpaddr7, t0
        ld      t0, 88(s0)
        csrw    pmpaddr8, t0
        ld      t0, 96(s0)
        csrw    pmpaddr9, t0
        ld      t0, 104(s0)
        csrw    pmpaddr10, t0
        ld      t0, 112(s0)
        csrw    pmpaddr11, t0
        ld      t0, 120(s0)
        csrw    pmpaddr12, t0
        ld      t0, 128(s0)
        csrw    pmpaddr13, t0
        ld      t0, 136(s0)
        csrw    pmpaddr14, t0
        ld      t0, 144(s0)
        csrw    pmpaddr15, t0
        ld      t0, 8(s0)
        csrw    pmpcfg0, t0
        ld      t0, 16(s0)
        csrw    pmpcfg2, t0
        ld      s1, 0(s0)               /* count */
        li      s2, 0                   /* index */
        addi    s3, s0, 256             /* case pointer */
next:
        bgeu    s2, s1, dump
        li      t0, 3 << 11
        csrc    mstatus, t0
        ld      t1, 16(s3)              /* privilege: 0 U, 1 S, 3 M */
        slli    t1, t1, 11
        csrs    mstatus, t1             /* MPP */
        la      t2, stubs
      ld      t0, 8(s3)               /* kind: stub at +16 * kind */
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
        addi    s2, s2, 1
        addi    s3, s3, 48
        j       next

dump:
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

/* The stubs, at physical 0x80001000. */
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
