#!/bin/sh
# Rebuilds the bare-metal test programs (committed next to their sources). Needs Debian's
# gcc-riscv64-linux-gnu. Run from this directory: ./build.sh
set -eu
CC=${CC:-riscv64-linux-gnu-gcc}
for p in m-hello m-smp; do
  $CC -march=rv64gc -mabi=lp64d -nostdlib -static -mcmodel=medany -Wl,--build-id=none -Wl,-N \
    -Wl,-Ttext=0x80000000 -o $p $p.S
  riscv64-linux-gnu-strip $p
done
