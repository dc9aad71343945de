/*
 * csr-probe: writes all ones, then zero, to each privileged CSR in M mode on
 * qemu-system-riscv64 -M virt -bios none and prints what reads back, so that
 * riscv-csr-qemu.test.ts can compare the WARL rules of priv/csr-file.ts with QEMU's.
 * One line per probe: "P <csr> <read after ~0> <read after 0>", or "T <csr> <mcause>"
 * when the access traps (the handler skips the instruction). Powers off at the end.
 */
        .equ UART, 0x10000000
        .equ TEST, 0x100000

        .macro probe csr
        li      s1, \csr
        li      s2, -1
        li      s3, -1
        li      s4, 0                   /* trapped? */
        li      t0, -1
        csrw    \csr, t0
        csrr    s2, \csr
        csrw    \csr, zero
        csrr    s3, \csr
        call    report
        .endm

        /* probe with mideleg = ~0 (for the S views) */
        .macro probe_deleg csr
        li      t0, -1
        csrw    mideleg, t0
        probe   \csr
        csrw    mideleg, zero
        .endm

        .section .text.start, "ax"
        .globl _start
_start:
        csrr    t0, mhartid
        bnez    t0, park
        la      t0, trap
        csrw    mtvec, t0
        probe   0x300   /* mstatus */
        probe   0x100   /* sstatus */
        probe   0x301   /* misa */
        probe   0x302   /* medeleg */
        probe   0x303   /* mideleg */
        probe   0x304   /* mie */
        probe   0x104   /* sie */
        probe_deleg 0x104
        probe   0x344   /* mip */
        probe   0x144   /* sip */
        probe_deleg 0x144
        probe   0x305   /* mtvec */
        la      t0, trap
        csrw    mtvec, t0
        probe   0x105   /* stvec */
        probe   0x340   /* mscratch */
        probe   0x140   /* sscratch */
        probe   0x341   /* mepc */
        probe   0x141   /* sepc */
        probe   0x342   /* mcause */
        probe   0x142   /* scause */
        probe   0x343   /* mtval */
        probe   0x143   /* stval */
        probe   0x180   /* satp */
        probe   0x306   /* mcounteren */
        probe   0x106   /* scounteren */
        probe   0x30a   /* menvcfg */
        probe   0x10a   /* senvcfg */
        probe   0x14d   /* stimecmp (no Sstc: illegal) */
        probe   0xf14   /* mhartid: read-only */
        probe   0xf11   /* mvendorid */
        probe   0x3a1   /* pmpcfg1: not on RV64 */
        probe   0x3b0   /* pmpaddr0 */
        probe   0x3bf   /* pmpaddr15 */
        probe   0x3a2   /* pmpcfg2 */
        li      t0, 0x12                /* pmpcfg2 entry 8: R=0, W=1 is reserved */
        csrw    0x3a2, t0
        csrr    s2, 0x3a2
        li      s1, 0x13a2
        li      s3, 0
        li      s4, 0
        call    report
        li      t0, TEST
        li      t1, 0x5555
        sw      t1, 0(t0)
park:
        wfi
        j       park

/* report: "P csr s2 s3" or, if the probe trapped, "T csr cause". */
report:
        mv      s5, ra
        li      a0, 'P'
        beqz    s4, 1f
        li      a0, 'T'
1:      call    putc
        mv      a0, s1
        call    puthex
        bnez    s4, 2f
        mv      a0, s2
        call    puthex
        mv      a0, s3
        call    puthex
        j       3f
2:      mv      a0, s4
        call    puthex
3:      li      a0, '\n'
        call    putc
        mv      ra, s5
        ret

        .p2align 2
trap:
        csrr    s4, mcause
        csrr    t0, mepc
        addi    t0, t0, 4
        csrw    mepc, t0
        mret

putc:
        li      t0, UART
7:      lbu     t1, 5(t0)
        andi    t1, t1, 0x20
        beqz    t1, 7b
        sb      a0, 0(t0)
        ret

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
