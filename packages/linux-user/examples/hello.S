# Static, no libc: write(1, "hello\n", 6), then exit_group(7).
        .section .text
        .globl _start
_start:
        li      a0, 1
        la      a1, msg
        li      a2, 6
        li      a7, 64          # write
        ecall
        li      a0, 7
        li      a7, 94          # exit_group
        ecall
1:      j       1b

        .section .rodata
msg:    .ascii  "hello\n"
