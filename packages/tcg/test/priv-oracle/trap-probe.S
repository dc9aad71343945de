/*
 * trap-probe: traps and interrupts between M, S and U on qemu-system-riscv64 -M virt
 * -bios none, for riscv-trap-qemu.test.ts, which replays the same steps through
 * priv/trap.ts and priv/csr-file.ts. Each step is set up in M mode and entered with mret;
 * the trap ends in the M-mode handler, which prints
 *   "M <mcause> <mepc> <mtval> <mstatus> <a4> <a5> <a6> <a7>"
 * where a4-a7 hold scause, sepc, stval and sstatus when the trap went through the S-mode
 * handler first (which reports them with an ecall). Paging is off (satp = 0).
 */
        .equ UART, 0x10000000
        .equ TEST, 0x100000
        .equ CLINT, 0x2000000

        .macro step label
        la      s11, \label
        li      a4, 0
        li      a5, 0
        li      a6, 0
        li      a7, 0
        .endm

        /* mret into \target at privilege \mpp (0 U, 1 S) */
        .macro enter target, mpp
        li      t0, 3 << 11
        csrc    mstatus, t0
        li      t0, \mpp << 11
        csrs    mstatus, t0
        la      t0, \target
        csrw    mepc, t0
        mret
        .endm

        .section .text.start, "ax"
        .globl _start
_start:
        csrr    t0, mhartid
        bnez    t0, park
        la      t0, mtrap
        csrw    mtvec, t0
        la      t0, strap
        csrw    stvec, t0
        li      t0, -1
        csrw    pmpaddr0, t0
        li      t0, 0x1f
        csrw    pmpcfg0, t0
        csrw    satp, zero

        .globl step1
step1:  step    step2                   /* U ecall, not delegated */
        enter   u_ecall, 0
        .globl step2
step2:  step    step3                   /* U ecall delegated to S, SIE set before */
        li      t0, 1 << 8
        csrw    medeleg, t0
        csrsi   sstatus, 2
        enter   u_ecall, 0
        .globl step3
step3:  step    step4                   /* S illegal instruction, not delegated */
        enter   s_illegal, 1
        .globl step4
step4:  step    step5                   /* S illegal instruction, delegated */
        li      t0, (1 << 8) | (1 << 2) | (1 << 3)
        csrw    medeleg, t0
        enter   s_illegal, 1
        .globl step5
step5:  step    step6                   /* U ebreak, delegated */
        enter   u_ebreak, 0
        .globl step6
step6:  step    step7                   /* S software interrupt, delegated, vectored stvec */
        li      t0, 2
        csrw    mideleg, t0
        csrw    mie, t0
        csrs    mip, t0
        la      t0, svec
        ori     t0, t0, 1
        csrw    stvec, t0
        csrsi   sstatus, 2
        enter   s_spin, 1
        .globl step7
step7:  step    step8                   /* M software interrupt in M, vectored mtvec */
        la      t0, mvec
        ori     t0, t0, 1
        csrw    mtvec, t0
        li      t0, 8
        csrw    mie, t0
        li      t1, CLINT
        li      t0, 1
        sw      t0, 0(t1)
        csrsi   mstatus, 8
        .globl m_spin
m_spin: j       m_spin
        .globl step8
step8:  step    step9                   /* sret in S with TSR */
        li      t1, CLINT
        sw      zero, 0(t1)
        csrw    mie, zero
        la      t0, mtrap
        csrw    mtvec, t0
        li      t0, 1 << 22
        csrs    mstatus, t0
        enter   s_sret, 1
        .globl step9
step9:  step    step10                  /* wfi in U */
        li      t0, 1 << 22
        csrc    mstatus, t0
        enter   u_wfi, 0
        .globl step10
step10: step    step11                  /* wfi in S with TW */
        li      t0, 1 << 21
        csrs    mstatus, t0
        enter   s_wfi, 1
        .globl step11
step11: step    done                    /* S ecall, not delegated; MPRV set beforehand is cleared by mret */
        li      t0, (1 << 21) | (1 << 17)
        csrc    mstatus, t0
        li      t0, 1 << 17
        csrs    mstatus, t0
        enter   s_ecall, 1
done:
        li      t0, TEST
        li      t1, 0x5555
        sw      t1, 0(t0)
park:
        wfi
        j       park

/* Code run in S and U mode (bare addressing). */
        .globl u_ecall, s_illegal, u_ebreak, s_spin, s_sret, u_wfi, s_wfi, s_ecall
u_ecall:   ecall
s_illegal: csrr t0, mscratch
u_ebreak:  ebreak
s_spin:    j s_spin
s_sret:    sret
u_wfi:     wfi
s_wfi:     wfi
s_ecall:   ecall

/* The S-mode handler: report scause, sepc, stval, sstatus through an ecall. */
        .p2align 2
        .globl strap, strap_ecall
strap:
        csrr    a4, scause
        csrr    a5, sepc
        csrr    a6, stval
        csrr    a7, sstatus
        csrci   sip, 2
strap_ecall:
        ecall

        /* Vector tables: 4-byte entries (no compressed jumps). */
        .option push
        .option norvc
        .p2align 2
        .globl svec
svec:   j       strap                   /* 0: exceptions */
        j       strap                   /* 1: SSI */

        .p2align 2
        .globl mvec
mvec:   j       mtrap
        j       mtrap
        j       mtrap
        j       mtrap                   /* 3: MSI */
        .option pop

/* The M-mode handler: print, then go on with the next step (in s11). */
        .p2align 2
        .globl mtrap
mtrap:
        li      a0, 'M'
        call    putc
        csrr    a0, mcause
        call    puthex
        csrr    a0, mepc
        call    puthex
        csrr    a0, mtval
        call    puthex
        csrr    a0, mstatus
        call    puthex
        mv      a0, a4
        call    puthex
        mv      a0, a5
        call    puthex
        mv      a0, a6
        call    puthex
        mv      a0, a7
        call    puthex
        li      a0, '\n'
        call    putc
        jr      s11

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
