# M-mode bare-metal test for `-bios none`: prints over the NS16550A UART, takes traps
# (ecall, illegal instruction, misaligned load emulation is not used), checks the CSRs
# QEMU and wasmu must agree on, sums a loop, writes self-modifying code, and powers off
# through sifive_test. Output must be byte-identical under qemu-system-riscv64 and wasmu.
    .equ UART, 0x10000000
    .equ TEST, 0x100000
    .section .text
    .globl _start
_start:
    la sp, stack_top
    la t0, trap
    csrw mtvec, t0
    la a0, msg_hello
    call puts
    # mhartid, misa
    la a0, msg_hart
    call puts
    csrr a0, mhartid
    call puthex
    la a0, msg_misa
    call puts
    csrr a0, misa
    call puthex
    # a loop: sum of i*i for i < 1000
    li t0, 0
    li t1, 0
    li t2, 1000
1:  mul t3, t1, t1
    add t0, t0, t3
    addi t1, t1, 1
    bne t1, t2, 1b
    la a0, msg_sum
    call puts
    mv a0, t0
    call puthex
    # ecall from M: the handler prints mcause and mepc offset, returns past it
    ecall
    # an illegal instruction (csrw of a read-only CSR: mvendorid)
    csrw mvendorid, zero
    # AMOs and LR/SC on RAM
    la t0, word
    li t1, 5
    amoadd.d t2, t1, (t0)
    lr.d t3, (t0)
    addi t3, t3, 10
    sc.d t4, t3, (t0)
    mv s2, t4
    la a0, msg_amo
    call puts
    la t0, word
    ld a0, 0(t0)
    call puthex
    mv a0, s2
    call puthex
    # self-modifying code: patch "li a0, 1" into "li a0, 2" and run it
    la t0, patch
    lw t1, 4(t0)
    sw t1, 0(t0)
    fence.i
    .option push
    .option norvc
patch:
    li a0, 1
    li a0, 2
    .option pop
    mv s1, a0
    la a0, msg_smc
    call puts
    mv a0, s1
    call puthex
    # a misaligned load within a page (QEMU emulates it)
    la t0, word
    ld a0, 1(t0)
    mv s1, a0
    la a0, msg_mis
    call puts
    mv a0, s1
    call puthex
    # a load from an unmapped address: load access fault
    li t0, 0x20000
    lw a0, 0(t0)
    # mip: csrrs of STIP while the PLIC asserts SEIP (UART THR-empty interrupt routed to
    # hart 0's S context) must not latch SEIP into mip's software bit
    li t0, 0x0c000028       # PLIC priority of source 10 (UART0)
    li t1, 1
    sw t1, 0(t0)
    li t0, 0x0c002080       # enables of context 1 (hart 0, S)
    li t1, 1 << 10
    sw t1, 0(t0)
    li t0, 0x0c201000       # threshold of context 1
    sw zero, 0(t0)
    li t0, UART
    li t1, 2                # IER: THR empty
    sb t1, 1(t0)
    csrr s1, mip            # SEIP from the PLIC
    li t1, 1 << 5
    csrs mip, t1            # STIP
    li t0, UART
    sb zero, 1(t0)          # the UART's line goes low
    li t0, 0x0c201004       # claim and complete source 10 in context 1: SEIP goes low
    lw t1, 0(t0)
    sw t1, 0(t0)
    csrr s2, mip
    li t1, 1 << 5
    csrc mip, t1
    csrr s3, mip
    la a0, msg_mip
    call puts
    mv a0, s1
    call puthex
    mv a0, s2
    call puthex
    mv a0, s3
    call puthex
    la a0, msg_bye
    call puts
    li t0, TEST
    li t1, 0x5555
    sw t1, 0(t0)
1:  j 1b

#include "uart.inc"

    .align 4
trap:
    addi sp, sp, -32
    sd ra, 0(sp)
    sd a0, 8(sp)
    sd t0, 16(sp)
    la a0, msg_trap
    call puts
    csrr a0, mcause
    call puthex
    csrr a0, mtval
    call puthex
    csrr t0, mepc
    la a0, _start
    sub a0, t0, a0
    call puthex
    csrr t0, mepc
    addi t0, t0, 4
    csrw mepc, t0
    ld ra, 0(sp)
    ld a0, 8(sp)
    ld t0, 16(sp)
    addi sp, sp, 32
    mret

    .section .data
    .align 3
word: .dword 0x1122334455667788
      .dword 0x99aabbccddeeff00
msg_hello: .asciz "wasmu M-mode bare-metal test\n"
msg_hart: .asciz "mhartid "
msg_misa: .asciz "misa "
msg_sum: .asciz "sum "
msg_amo: .asciz "amo "
msg_smc: .asciz "smc "
msg_mis: .asciz "misaligned "
msg_trap: .asciz "trap: mcause, mtval, mepc-_start\n"
msg_bye: .asciz "bye\n"
msg_mip: .asciz "mip with SEIP, after csrs STIP and the line low, after csrc STIP\n"
    .align 4
stack: .space 4096
stack_top:
