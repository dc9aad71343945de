#!/bin/sh
# Rebuilds the guest test programs (committed next to their sources). Needs Debian's
# gcc-riscv64-linux-gnu. Run from this directory: ./build.sh
set -eu
CC=${CC:-riscv64-linux-gnu-gcc}
FLAGS="-O2 -ffreestanding -fno-builtin -march=rv64gc -mabi=lp64d -fno-asynchronous-unwind-tables -Wl,--build-id=none"
$CC $FLAGS -static -nostdlib -o hello hello.S
$CC $FLAGS -static -nostdlib -fno-pie -no-pie -o auxv-dump auxv-dump.c
$CC $FLAGS -static-pie -nostdlib -fPIE -Wl,--no-dynamic-linker -o auxv-dump-pie auxv-dump.c
$CC -O2 -Wl,--build-id=none -o hello-dyn hello-dyn.c
riscv64-linux-gnu-strip hello auxv-dump auxv-dump-pie hello-dyn
$CC $FLAGS -static -nostdlib -o null-deref null-deref.S
riscv64-linux-gnu-strip null-deref
$CC $FLAGS -static -nostdlib -fno-pie -no-pie -o signals signals.c
riscv64-linux-gnu-strip signals
$CC $FLAGS -static -nostdlib -fno-pie -no-pie -o threads threads.c
riscv64-linux-gnu-strip threads
$CC $FLAGS -static -nostdlib -fno-pie -no-pie -o parallel parallel.c
riscv64-linux-gnu-strip parallel
$CC $FLAGS -static -nostdlib -fno-pie -no-pie -o page-faults page-faults.c
riscv64-linux-gnu-strip page-faults
$CC $FLAGS -static -nostdlib -fno-pie -no-pie -o page-faults-mt page-faults-mt.c
riscv64-linux-gnu-strip page-faults-mt
$CC -O2 -static -pthread -Wl,--build-id=none -o stress stress.c
riscv64-linux-gnu-strip stress
# glibc, static: the socket calls as libc makes them (compared with qemu-riscv64-static).
$CC -O2 -static -Wall -Wl,--build-id=none -o sockets sockets.c
riscv64-linux-gnu-strip sockets
$CC -O2 -static -pthread -Wall -Wl,--build-id=none -o sigwait sigwait.c
riscv64-linux-gnu-strip sigwait
$CC -O2 -static -Wall -Wl,--build-id=none -o restart restart.c
riscv64-linux-gnu-strip restart
# issue #11 probes (glibc, static, threads).
$CC -O2 -static -pthread -Wall -Wl,--build-id=none -o robust robust.c
riscv64-linux-gnu-strip robust
# Processes: fork/wait/pipes/groups (compared with qemu-riscv64-static), execve of itself.
$CC -O2 -static -Wall -Wl,--build-id=none -o procs procs.c
$CC -O2 -static -Wall -Wl,--build-id=none -o execs execs.c
riscv64-linux-gnu-strip procs execs
$CC -O2 -static -Wall -Wl,--build-id=none -o shared-file shared-file.c
riscv64-linux-gnu-strip shared-file
$CC -O2 -static -Wall -Wl,--build-id=none -o fork-code fork-code.c
riscv64-linux-gnu-strip fork-code
# Job control on a terminal (run under script(1) by packages/cli/test/user-command.test.ts).
$CC -O2 -static -Wall -Wl,--build-id=none -o jobctl jobctl.c
riscv64-linux-gnu-strip jobctl
$CC -O2 -static -Wall -Wl,--build-id=none -o stops stops.c
riscv64-linux-gnu-strip stops
