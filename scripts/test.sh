#!/usr/bin/env bash
# Installs what is missing, then builds and runs every test: the CI build (g++, release,
# warnings are errors; unit, CLI and example tests), the sanitizer build (clang, ASan + UBSan),
# and the fuzzers for a fixed time (the formula parser 30 s, the readers and the checkpoint
# loader 10 s each; longer runs: docs/contributing.md).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh test
jobs=$(nproc)

echo "== ci: g++ release, -Werror"
cmake --preset ci >/dev/null
cmake --build --preset ci -j "$jobs"
ctest --preset ci -j "$jobs"

echo "== asan-ubsan: clang, AddressSanitizer + UndefinedBehaviorSanitizer"
cmake --preset asan-ubsan >/dev/null
cmake --build --preset asan-ubsan -j "$jobs"
ctest --preset asan-ubsan -j "$jobs"

if ls fuzz/*_fuzz.cpp >/dev/null 2>&1; then
  echo "== fuzz: libFuzzer on the formula parser, the CSV and IDX readers, the checkpoint loader"
  cmake --preset fuzz >/dev/null
  targets=$(ls fuzz/*_fuzz.cpp | sed 's|fuzz/|descent_|; s|\.cpp$||')
  cmake --build --preset fuzz -j "$jobs" --target $targets
  for f in build/fuzz/fuzz/descent_*_fuzz; do
    name=$(basename "$f" | sed 's/^descent_//; s/_fuzz$//')
    corpus=fuzz/corpus/$name
    seconds=10
    [ "$name" = parser ] && seconds=30
    work=$(mktemp -d)
    cp -r "$corpus"/. "$work"/ 2>/dev/null || true
    # A fixed seed: the same run every time (DESCENT_FUZZ_SEED=0 picks one at random).
    "$f" -seed="${DESCENT_FUZZ_SEED:-20261123}" -max_total_time="${DESCENT_FUZZ_SECONDS:-$seconds}" \
      -timeout=10 -rss_limit_mb=2048 "$work"
    rm -rf "$work"
  done
fi
echo "== all tests passed"
