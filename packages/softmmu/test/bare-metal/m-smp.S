# Two harts in M mode (-smp 2 -bios none): LR/SC and AMO increments of shared counters
# from both harts, an IPI through the CLINT waking hart 0 from WFI, and cross-hart
# self-modifying code (hart 1 patches a function hart 0 keeps calling). Hart 0 prints
# the results and powers off. The output must be qemu-system-riscv64's.
    .equ UART, 0x10000000
    .equ CLINT, 0x2000000
    .equ TEST, 0x100000
    .equ N, 20000
    .section .text
    .globl _start
_start:
    csrr a0, mhartid
    la sp, stacks
    addi t0, a0, 1
    slli t0, t0, 12
    add sp, sp, t0
    bnez a0, hart1
hart0:
    la a0, msg_hello
    call puts
    call work
1:  la t0, done1
    ld t0, 0(t0)
    beqz t0, 1b
    la a0, msg_count
    call puts
    la t0, counter_lrsc
    ld a0, 0(t0)
    call puthex
    la t0, counter_amo
    ld a0, 0(t0)
    call puthex
    # IPI: MSIE on, MIE off (WFI wakes without a trap), tell hart 1, wait for msip
    li t0, 8
    csrs mie, t0
    la t0, ready
    li t1, 1
    sd t1, 0(t0)
2:  wfi
    csrr t0, mip
    andi t0, t0, 8
    beqz t0, 2b
    li t0, CLINT
    sw zero, 0(t0)
    la a0, msg_ipi
    call puts
    # cross-hart SMC: call patchme until hart 1's patch shows
    la t0, go_smc
    li t1, 1
    sd t1, 0(t0)
3:  call patchme
    li t1, 2
    bne a0, t1, 3b
    la a0, msg_smc
    call puts
    li t0, TEST
    lui t1, 5
    addi t1, t1, 0x555
    sw t1, 0(t0)
4:  j 4b

hart1:
    call work
    la t0, done1
    li t1, 1
    sd t1, 0(t0)
1:  la t0, ready
    ld t0, 0(t0)
    beqz t0, 1b
    li t0, CLINT
    li t1, 1
    sw t1, 0(t0)         # msip[0] = 1
2:  la t0, go_smc
    ld t0, 0(t0)
    beqz t0, 2b
    la t0, patchme
    lw t1, 4(t0)         # "li a0, 2"
    sw t1, 0(t0)         # over "li a0, 1"
3:  wfi
    j 3b

# N increments of counter_lrsc with LR/SC and of counter_amo with amoadd
work:
    li t2, N
    la t3, counter_lrsc
    la t4, counter_amo
    li t5, 1
1:  lr.d t0, (t3)
    addi t0, t0, 1
    sc.d t1, t0, (t3)
    bnez t1, 1b
    amoadd.d zero, t5, (t4)
    addi t2, t2, -1
    bnez t2, 1b
    ret

    .option push
    .option norvc
    .align 2
patchme:
    li a0, 1
    li a0, 2
    ret
    .option pop

#include "uart.inc"

    .section .data
    .align 3
counter_lrsc: .dword 0
counter_amo: .dword 0
done1: .dword 0
ready: .dword 0
go_smc: .dword 0
msg_hello: .asciz "wasmu two-hart bare-metal test\n"
msg_count: .asciz "counters (LR/SC, AMO) after both harts\n"
msg_ipi: .asciz "hart 0 woken by hart 1's IPI\n"
msg_smc: .asciz "hart 0 runs the code hart 1 patched\n"
    .align 12
stacks: .space 8192
