#!/bin/sh
# Rebuilds the bare-metal probes of the privileged-architecture oracle tests (committed next
# to their sources: mmu-walker, csr-probe, trap-probe, pmp-walker). Needs
# Debian's gcc-riscv64-linux-gnu. Run from this directory: ./build.sh
set -eu
CC=${CC:-riscv64-linux-gnu-gcc}
$CC -march=rv64gc -mabi=lp64d -nostdlib -static -mcmodel=medany -Wl,--build-id=none -Wl,-N \
  -Wl,-Ttext=0x80000000 -Wl,--section-start=.text.stubs=0x80001000 -o mmu-walker mmu-walker.S
riscv64-linux-gnu-strip mmu-walker
$CC -march=rv64gc -mabi=lp64d -nostdlib -static -mcmodel=medany -Wl,--build-id=none -Wl,-N \
  -Wl,-Ttext=0x80000000 -o csr-probe csr-probe.S
riscv64-linux-gnu-strip csr-probe
# trap-probe keeps its symbols: the test reads the addresses of its labels.
$CC -march=rv64gc -mabi=lp64d -nostdlib -static -mcmodel=medany -Wl,--build-id=none -Wl,-N \
  -Wl,-Ttext=0x80000000 -o trap-probe trap-probe.S
$CC -march=rv64gc -mabi=lp64d -nostdlib -static -mcmodel=medany -Wl,--build-id=none -Wl,-N \
  -Wl,-Ttext=0x80000000 -Wl,--section-start=.text.stubs=0x80001000 -o pmp-walker pmp-walker.S
riscv64-linux-gnu-strip pmp-walker
