#!/bin/sh
# Times vmdk-delta commit against qemu-img commit on 1 GiB deltas and writes
# docs/benchmarks-commit.md. Needs qemu-img, about 12 GiB free in the work folder, and (for cold
# reads) root. Usage: bench/commit-benchmark.sh [WORK_DIR] [RUNS]
set -eu
cd "$(dirname "$0")/.."
work=${1:-${TMPDIR:-/tmp}/vmdk-delta-bench}
runs=${2:-3}
mvn -B -q package -DskipTests
mkdir -p "$work"
exec java -cp target/vmdk-delta.jar bench/CommitBenchmark.java \
  target/vmdk-delta.jar "$work" docs/benchmarks-commit.md "$runs"
