#!/usr/bin/env bash
# What make's check of the disk it freezes costs (issue 13: every grain table read as check
# reads it): make on 2 TiB monolithicSparse parents, whole process, with two builds of
# vmdk-delta and qemu-img create -b measured in the same run by hyperfine. Writes the section
# between the make-check markers of docs/benchmarks.md (or appends it), and nothing else there.
#
#   bench/make-check-cost.sh --before JAR [--after JAR] [--before-label L] [--after-label L]
#                            [--runs N] [--dir DIR] [--out FILE]
#
#   --before JAR  the jar to compare against (e.g. built at the commit before the check)
#   --after JAR   the jar measured (default target/vmdk-delta.jar)
#   --runs N      timed runs per command (default 10); hyperfine's median, min and max
#   --dir DIR     where the disks are made (default a new temporary folder, removed at the end)
#   --out FILE    the report (default docs/benchmarks.md)
#
# Parents (2 TiB - 512 B, the largest a delta of ours can have), each made once by qemu-img and
# copied sparse before every timed run (make renames it, so each run meets a parent whose grain
# tables are not in the page cache, as a user's disk usually is not):
#   empty        qemu-img create: every grain table allocated in the directory, left as a hole
#   some-tables  64 grains written by qemu-io, one every 32 GiB, each in a table of its own
# Needs bash, java, qemu-img, qemu-io, hyperfine, python3.
set -euo pipefail
export LC_ALL=C
# shellcheck source=bench/lib.sh
. "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"

ROOT=$BENCH_ROOT
BEFORE=
AFTER=$ROOT/target/vmdk-delta.jar
BEFORE_LABEL=before
AFTER_LABEL=after
RUNS=10
WORK_PARENT=
OUT=$ROOT/docs/benchmarks.md
CAPACITY=2199023255040 # 2 TiB - 512 B
OPTIONS=(before=BEFORE after=AFTER before-label=BEFORE_LABEL after-label=AFTER_LABEL runs=RUNS
  dir=WORK_PARENT out=OUT)
parse_options "$@"
[ -n "$BEFORE" ] || die "--before JAR is required"
[ -f "$BEFORE" ] || die "no such jar: $BEFORE"
[ -f "$AFTER" ] || die "no such jar: $AFTER"
require_positive runs "$RUNS"
require_tools java qemu-img qemu-io python3
require_hyperfine
OUT=$(absolute "$OUT")
require_writable "$OUT"
BEFORE=$(absolute "$BEFORE")
AFTER=$(absolute "$AFTER")

make_work "$WORK_PARENT" vmdk-delta-make-check

say "fixtures in $WORK"
for fx in empty some-tables; do
  mkdir -p "$WORK/fx-$fx"
  qemu-img create -q -f vmdk "$WORK/fx-$fx/sd0.vmdk" "$CAPACITY"
done
grain=65536
for ((i = 0; i < 64; i++)); do
  qemu-io -t unsafe -f vmdk -c "write -P 0x5a $((i * (32 << 30))) $grain" \
    "$WORK/fx-some-tables/sd0.vmdk" >/dev/null
done
sync

JAVA="java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xshare:auto -jar"
for fx in empty some-tables; do
  run=$WORK/run-$fx
  prepare="rm -rf -- '$run' && mkdir -p -- '$run' && cp --sparse=always -- '$WORK/fx-$fx/sd0.vmdk' '$run/'"
  say "make on the $fx parent, $RUNS runs each"
  hyperfine -N --style basic --runs "$RUNS" --prepare "sh -c \"$prepare\"" \
    --export-json "$WORK/$fx.json" \
    -n "$BEFORE_LABEL" "$JAVA $BEFORE make $run/sd0.vmdk" \
    -n "$AFTER_LABEL" "$JAVA $AFTER make $run/sd0.vmdk" \
    -n "qemu-img create -b" "qemu-img create -q -f vmdk -b sd0.vmdk -F vmdk $run/child.vmdk" \
    >&2
done

FS=$(fs_type "$WORK")
python3 - "$WORK" "$BEFORE_LABEL" "$AFTER_LABEL" "$RUNS" "$FS" "$(nproc)" \
  "$(java_version)" >"$WORK/section.md" <<'PY'
import json, sys, datetime
work, before, after, runs, fs, cores, java = sys.argv[1:]
def ms(x):
    return round(x * 1000)
print("<!-- make-check:begin (written by bench/make-check-cost.sh; do not edit by hand) -->")
print("## make: the cost of checking the disk it freezes")
print()
print("make reads every grain table of the disk it freezes, as check does (issue 13), so that its")
print("in-place rewrite of the extent line never lands on data and no damage is frozen. Whole")
print(f"process, {before} against {after}, with qemu-img create -b in the same run, by hyperfine")
print(f"({runs} runs each, a fresh sparse copy of the parent before each). Written by")
print(f"`bench/make-check-cost.sh` on {datetime.datetime.utcnow():%Y-%m-%d %H:%M} UTC, {cores} cores,")
print(f"{fs} file system, {java}. 2 TiB - 512 B monolithicSparse parents made by qemu-img: \"empty\"")
print("(its grain tables allocated but left as holes), \"some-tables\" (64 grains written by qemu-io,")
print("one every 32 GiB). Milliseconds, median (min-max); user and system CPU, mean.")
print()
print("| parent | command | wall ms | user ms | system ms | / qemu-img |")
print("|---|---|---|---|---|---|")
for fx in ("empty", "some-tables"):
    results = json.load(open(f"{work}/{fx}.json"))["results"]
    qemu = next(r for r in results if r["command"] == "qemu-img create -b")["median"]
    for r in results:
        print(f"| {fx} | {r['command']} | {ms(r['median'])} ({ms(r['min'])}-{ms(r['max'])}) |"
              f" {ms(r['user'])} | {ms(r['system'])} | {r['median'] / qemu:.1f} |")
print("<!-- make-check:end -->")
PY

write_section make-check "$WORK/section.md" "$OUT"
say "wrote the make-check section of $OUT"
cat "$WORK/section.md"
