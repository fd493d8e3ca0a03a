#!/usr/bin/env bash
# What the durability of issue 14 costs: make, delete and commit, whole process, with two builds
# of vmdk-delta measured in the same run, alternating (on a shared machine, drift hits both), and
# the fsync-family system calls each one issues (strace -c). Writes the section between the
# durability markers of docs/benchmarks.md (or appends it), and nothing else there.
#
#   bench/durability.sh --before JAR --after JAR [--before-label L] [--after-label L]
#                       [--runs N] [--dir DIR] [--out FILE]
#
#   --before JAR  the jar to compare against (e.g. built at main's commit)
#   --after JAR   the jar measured (default target/vmdk-delta.jar)
#   --runs N      timed runs per operation and jar (default 15); figures are medians, min, max
#   --dir DIR     where the disks are made (default a new temporary folder, removed at the end);
#                 its file system is what the fsyncs cost on, and is named in the report
#   --out FILE    the report (default docs/benchmarks.md)
#
# Disks: a 64 GiB monolithicSparse parent made by qemu-img holding 1 MiB (make, delete); for
# commit, a 1 GiB parent with 64 MiB of data and a delta by make with 64 MiB overwritten by
# qemu-io. Needs bash 5, java, qemu-img, qemu-io, strace (for the counts; skipped without it).
set -euo pipefail
export LC_ALL=C
# shellcheck source=bench/lib.sh
. "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"

ROOT=$BENCH_ROOT
BEFORE=
AFTER=$ROOT/target/vmdk-delta.jar
BEFORE_LABEL=before
AFTER_LABEL=after
RUNS=15
WORK_PARENT=
OUT=$ROOT/docs/benchmarks.md
OPTIONS=(before=BEFORE after=AFTER before-label=BEFORE_LABEL after-label=AFTER_LABEL runs=RUNS
  dir=WORK_PARENT out=OUT)
parse_options "$@"
[ -n "$BEFORE" ] || die "--before JAR is required"
[ -f "$BEFORE" ] || die "no such jar: $BEFORE"
[ -f "$AFTER" ] || die "no such jar: $AFTER"
require_positive runs "$RUNS"
require_tools java qemu-img qemu-io
OUT=$(absolute "$OUT")
require_writable "$OUT"

make_work "$WORK_PARENT" vmdk-delta-durability
JAVA=(java -Xshare:auto -jar)

qio() { qemu-io -t unsafe -f vmdk -c "$2" "$1" >/dev/null; }

say "fixtures in $WORK"
mkdir -p "$WORK/fx-make" "$WORK/fx-commit"
qemu-img create -q -f vmdk "$WORK/fx-make/sd0.vmdk" 64G
qio "$WORK/fx-make/sd0.vmdk" "write -P 0x11 0 1M"
qemu-img create -q -f vmdk "$WORK/fx-commit/sd0.vmdk" 1G
qio "$WORK/fx-commit/sd0.vmdk" "write -P 0x11 0 64M"
"${JAVA[@]}" "$AFTER" make "$WORK/fx-commit/sd0.vmdk" >/dev/null
qio "$WORK/fx-commit/sd0.vmdk" "write -P 0x22 0 64M"

# fresh <fixture> <folder>: a sparse copy of a fixture folder
fresh() { rm -rf -- "$2"; mkdir -p "$2"; cp --sparse=always -- "$WORK/$1"/* "$2/"; }

# timed <jar> <op> <folder>: milliseconds of one whole-process run
timed() {
  local t0 t1
  t0=$EPOCHREALTIME
  "${JAVA[@]}" "$1" "$2" "$3/sd0.vmdk" >/dev/null || die "$2 failed with $1"
  t1=$EPOCHREALTIME
  echo $(( (${t1/./} - ${t0/./}) / 1000 ))
}

declare -A TIMES
for ((r = 1; r <= RUNS; r++)); do
  # Alternate which build goes first, round by round.
  if ((r % 2)); then order=(before after); else order=(after before); fi
  for v in "${order[@]}"; do
    jar=$BEFORE; [ "$v" = after ] && jar=$AFTER
    f=$WORK/run
    fresh fx-make "$f"
    TIMES[make,$v]+="$(timed "$jar" make "$f") "
    TIMES[delete,$v]+="$(timed "$jar" delete "$f") "
    fresh fx-commit "$f"
    TIMES[commit,$v]+="$(timed "$jar" commit "$f") "
  done
  say "round $r of $RUNS"
done

# stats "<numbers>": median min max
stats() {
  local sorted n
  mapfile -t sorted < <(tr ' ' '\n' <<<"$1" | sed '/^$/d' | sort -n)
  n=${#sorted[@]}
  if ((n % 2)); then med=${sorted[n / 2]}; else med=$(( (sorted[n / 2 - 1] + sorted[n / 2]) / 2 )); fi
  echo "$med ${sorted[0]} ${sorted[n - 1]}"
}

# syncs <jar> <op> <fixture>: "calls milliseconds" of the fsync family in one run, by strace -c -w
# (wall-clock time inside the calls: what the syncs cost, apart from the CPU the machine lends)
syncs() {
  local f=$WORK/strace out
  fresh "$3" "$f"
  [ "$2" = delete ] && "${JAVA[@]}" "$1" make "$f/sd0.vmdk" >/dev/null
  out=$(strace -f -c -w -e trace=fsync,fdatasync,sync_file_range -o "$WORK/strace.txt" \
    "${JAVA[@]}" "$1" "$2" "$f/sd0.vmdk" >/dev/null 2>&1 && cat "$WORK/strace.txt")
  awk '$NF ~ /^(fsync|fdatasync|sync_file_range)$/ { n += $4; s += $2 }
    END { printf "%d %d\n", n, s * 1000 + 0.5 }' <<<"$out"
}

SYNC_RUNS=5

HAVE_STRACE=0
command -v strace >/dev/null && strace -f -o /dev/null true 2>/dev/null && HAVE_STRACE=1

FS=$(fs_type "$WORK")
{
  echo "<!-- durability:begin (written by bench/durability.sh; do not edit by hand) -->"
  echo "## Durability cost"
  echo
  echo "What the folder syncs of issue 14 cost (one after every creation and rename, a rename done"
  echo "as link, sync, unlink, sync): whole process, $BEFORE_LABEL against $AFTER_LABEL."
  echo "Written by \`bench/durability.sh\` on $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores"
  echo "(shared with other work: see the spread), $FS file system, $(java_version)."
  echo "$RUNS runs of each operation with each build, alternating; milliseconds of the whole"
  echo "process (JVM start included), median (min-max). make and delete on a 64 GiB parent"
  echo "holding 1 MiB; commit of a delta with 64 MiB into a 1 GiB parent holding 64 MiB."
  echo "fsyncs: fsync and fdatasync calls of one run, and the wall-clock milliseconds spent inside"
  echo "them (strace -c -w), median (min-max) of $SYNC_RUNS runs under strace."
  echo
  echo "| operation | $BEFORE_LABEL ms | $AFTER_LABEL ms | after / before | fsyncs before | fsyncs after | ms in fsyncs before | ms in fsyncs after |"
  echo "|---|---|---|---|---|---|---|---|"
  for op in make delete commit; do
    read -r bm bmin bmax <<<"$(stats "${TIMES[$op,before]}")"
    read -r am amin amax <<<"$(stats "${TIMES[$op,after]}")"
    ratio=$(awk -v a="$am" -v b="$bm" 'BEGIN { printf "%.2f", a / b }')
    nb=-; na=-; tb=-; ta=-
    fx="fx-make"; [ "$op" = commit ] && fx="fx-commit"
    if [ "$HAVE_STRACE" = 1 ]; then
      msb=; msa=
      for ((i = 0; i < SYNC_RUNS; i++)); do
        read -r nb t <<<"$(syncs "$BEFORE" "$op" "$fx")"; msb+="$t "
        read -r na t <<<"$(syncs "$AFTER" "$op" "$fx")"; msa+="$t "
      done
      read -r m lo hi <<<"$(stats "$msb")"; tb="$m ($lo-$hi)"
      read -r m lo hi <<<"$(stats "$msa")"; ta="$m ($lo-$hi)"
    fi
    echo "| $op | $bm ($bmin-$bmax) | $am ($amin-$amax) | $ratio | $nb | $na | $tb | $ta |"
  done
  echo
  echo "Raw runs (ms):"
  echo
  for op in make delete commit; do
    echo "- $op $BEFORE_LABEL: ${TIMES[$op,before]}"
    echo "- $op $AFTER_LABEL: ${TIMES[$op,after]}"
  done
  echo "<!-- durability:end -->"
} >"$WORK/section.md"

write_section durability "$WORK/section.md" "$OUT"
say "wrote the durability section of $OUT"
cat "$WORK/section.md"
