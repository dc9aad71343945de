# Static, no libc: writes "before\n", then loads from address 8 (a NULL dereference):
# Linux kills it with SIGSEGV (status 139 in a shell).
        .section .text
        .globl _start
_start:
        li      a0, 1
        la      a1, msg
        li      a2, 7
        li      a7, 64          # write
        ecall
        li      t0, 8
        ld      t1, 0(t0)
        li      a0, 0
        li      a7, 94          # exit_group
        ecall

        .section .rodata
msg:    .ascii  "before\n"
