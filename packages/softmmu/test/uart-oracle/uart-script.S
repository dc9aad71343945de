/*
 * uart-script: runs a script of UART register accesses on qemu-system-riscv64 -M virt
 * -bios none and prints every value read, so that uart16550.test... (test/uart-qemu.test.ts)
 * can replay the script on wasmu's NS16550A and compare. The script (loaded at 0x80200000
 * with -device loader) is a list of 8-byte entries: byte 0 the operation (1 write, 2 read,
 * 0 end), byte 1 the register offset, byte 2 the value to write. Reads are recorded in
 * memory; after the script the UART is reset to a plain 8N1 console (loopback off, FIFOs
 * on) and the recorded bytes are printed as "R <hex>" lines, then the machine powers off.
 */
        .equ UART, 0x10000000
        .equ TEST, 0x100000
        .equ SCRIPT, 0x80200000
        .equ RESULTS, 0x80300000

        .section .text.start, "ax"
        .globl _start
_start:
        csrr    t0, mhartid
        bnez    t0, park
        li      s0, SCRIPT
        li      s1, RESULTS
        li      s2, UART
        li      s3, 0                   /* reads recorded */
1:      lbu     t0, 0(s0)
        beqz    t0, 4f
        lbu     t1, 1(s0)
        add     t1, t1, s2
        li      t2, 1
        bne     t0, t2, 2f
        lbu     t2, 2(s0)
        sb      t2, 0(t1)
        j       3f
2:      lbu     t2, 0(t1)
        add     t3, s1, s3
        sb      t2, 0(t3)
        addi    s3, s3, 1
3:      addi    s0, s0, 8
        j       1b
4:      /* a plain console again: 8N1, divisor 1, FIFOs on, no loopback, no interrupts */
        li      t0, 0x80
        sb      t0, 3(s2)
        li      t0, 1
        sb      t0, 0(s2)
        sb      zero, 1(s2)
        li      t0, 3
        sb      t0, 3(s2)
        sb      zero, 1(s2)
        sb      zero, 4(s2)
        li      t0, 7
        sb      t0, 2(s2)
        li      s4, 0
5:      bgeu    s4, s3, 6f
        li      a0, 'R'
        call    putc
        li      a0, ' '
        call    putc
        add     t0, s1, s4
        lbu     a2, 0(t0)
        srli    a0, a2, 4
        call    hexdigit
        andi    a0, a2, 15
        call    hexdigit
        li      a0, '\n'
        call    putc
        addi    s4, s4, 1
        j       5b
6:      li      t0, TEST
        li      t1, 0x5555
        sw      t1, 0(t0)
park:
        wfi
        j       park

hexdigit:
        li      t0, 10
        blt     a0, t0, 7f
        addi    a0, a0, 'a' - 10 - '0'
7:      addi    a0, a0, '0'
        /* fall through */
putc:
        li      t0, UART
8:      lbu     t1, 5(t0)
        andi    t1, t1, 0x20
        beqz    t1, 8b
        sb      a0, 0(t0)
        ret
