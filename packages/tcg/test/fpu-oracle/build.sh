#!/bin/sh
# Rebuilds the fpu-oracle binary (a static riscv64 Linux executable) from fpu-oracle.c.
# Needs riscv64-linux-gnu-gcc (Debian/Ubuntu: apt-get install gcc-riscv64-linux-gnu).
# Run it with: qemu-riscv64-static ./fpu-oracle < vectors
set -eu
cd "$(dirname "$0")"
riscv64-linux-gnu-gcc -O2 -static -nostdlib -ffreestanding -fno-builtin -march=rv64gc -mabi=lp64d -s -o fpu-oracle fpu-oracle.c
ls -l fpu-oracle
