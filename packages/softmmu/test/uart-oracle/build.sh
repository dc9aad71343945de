#!/bin/sh
# Rebuilds the bare-metal UART script runner (committed next to its source). Needs
# Debian's gcc-riscv64-linux-gnu. Run from this directory: ./build.sh
set -eu
CC=${CC:-riscv64-linux-gnu-gcc}
$CC -march=rv64gc -mabi=lp64d -nostdlib -static -mcmodel=medany -Wl,--build-id=none -Wl,-N \
  -Wl,-Ttext=0x80000000 -o uart-script uart-script.S
riscv64-linux-gnu-strip uart-script
