#!/usr/bin/env bash
# Installs what is missing, then builds and runs every test: the CI build (g++, release,
# warnings are errors; unit, CLI and example tests), the sanitizer build (clang, ASan + UBSan;
# it also builds the libFuzzer targets), and the fuzzers for a fixed time (the formula parser
# 30 s, the readers and the checkpoint loader 10 s each; longer runs: docs/contributing.md).
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

echo "== fuzz: libFuzzer on the formula parser, the CSV and IDX readers, the checkpoint loader"
# The fuzzers were built with the sanitizer build above (its library carries the coverage
# instrumentation), so fuzzing costs no third build.
for f in build/asan-ubsan/fuzz/descent_*_fuzz; do
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
echo "== all tests passed"
