#!/usr/bin/env bash
# torture.sh [RUNS]
#
# The concurrency torture set, RUNS times in a row (default 100), with tcg's lock checker
# on (WASMU_DEBUG_TCG=1): every shared structure under several workers for a bounded
# number of operations (never a wall-clock duration):
#   packages/tcg/test/tb-stress.test.ts        TB hash table and its chains, page locks and
#                                              page_collection, jmp_lock chaining/unchaining,
#                                              tb_flush as exclusive (safe) work, regions
#   packages/tcg/test/sync-locks.test.ts       mutexes, spinlocks, seqlocks, the lock checker
#   packages/linux-user/test/futex-table.test.ts     the futex table across workers
#   packages/linux-user/test/syscall-channel.test.ts the syscall channel, 4 workers at once
# WASMU_TORTURE=long makes every case do 20 times more operations. Stops at the first
# failing run (exit 1), printing its output; prints "torture: N/N runs passed" at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-100}
export WASMU_DEBUG_TCG=1
timeout_ms=120000
[[ ${WASMU_TORTURE:-} == long ]] && timeout_ms=2400000
pnpm -s build >/dev/null
log=$(mktemp)
trap 'rm -f "$log"' EXIT
for ((i = 1; i <= runs; i++)); do
  if ! (cd packages/tcg && npx vitest run --reporter=dot --testTimeout="$timeout_ms" test/tb-stress.test.ts test/sync-locks.test.ts \
        && cd ../linux-user && npx vitest run --reporter=dot --testTimeout="$timeout_ms" test/futex-table.test.ts test/syscall-channel.test.ts) >"$log" 2>&1; then
    cat "$log"
    echo "torture: run $i of $runs failed ($((i - 1)) passed before it)"
    exit 1
  fi
  echo "torture: run $i/$runs ok"
done
echo "torture: $runs/$runs runs passed"
