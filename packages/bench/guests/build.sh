#!/bin/sh
# Rebuilds the bench's own guest programs (committed next to their sources). Needs
# Debian's gcc-riscv64-linux-gnu. Run from this directory: ./build.sh
set -eu
CC=${CC:-riscv64-linux-gnu-gcc}
$CC -O2 -static -Wall -Wl,--build-id=none -o forkbench forkbench.c
riscv64-linux-gnu-strip forkbench
