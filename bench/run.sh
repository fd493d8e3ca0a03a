#!/usr/bin/env bash
# Benchmarks vmdk-delta against qemu-img and the seed script (ported to Python 3 in
# bench/seed_vmdk_delta.py), all measured in this one run, and writes docs/benchmarks.md.
#
#   bench/run.sh [--runs N] [--quick] [--skip-8gib] [--out FILE] [--no-build] [--dir DIR]
#
#   --runs N     timed runs per command (default 5; the 8 GiB commits take at most 3, each needs
#                16 GiB copied first); each figure is their median, with min and max
#   --quick      1 run, small sizes (capacities 1 GiB and 64 GiB, chains of 1 and 8 layers,
#                64 MiB of data for check and commit; the two 2 TiB parents with grain tables
#                in use as in the full run), a short in-process loop: a minute or two,
#                for CI to keep this script working (its figures are not for publishing)
#   --skip-8gib  leave out check on 8 GiB of data and the 8 GiB commits, the longest part of
#                the full run (each run of an 8 GiB commit copies 16 GiB first); the report
#                says so in its first line
#   --out FILE   where to write the report (default docs/benchmarks.md); the sections that
#                bench/durability.sh and bench/make-check-cost.sh wrote there are kept
#   --no-build   use the existing target/vmdk-delta.jar and target/test-classes (the test that
#                runs this script from `mvn verify` uses it: no Maven inside Maven)
#   --dir DIR    make the test disks under DIR (default: a new temporary folder, removed at the
#                end); it must be a file system with sparse files (a 2 TiB parent then
#                allocates a few hundred KB) and, for the full run, about 40 GB free (the
#                8 GiB commit: parent and delta, and a copy of both for the timed run)
#
# hyperfine times every command (--prepare gives each run fresh files, untimed; --export-json
# keeps every run's time), and bench/report.py writes the report from its JSON and from what this
# script measures itself: the fixtures, the allocation of each new delta and the bytes each
# commit read and wrote (one untimed probe run of each command). Every number in the report
# comes from this run. Needs bash, java, qemu-img, qemu-io, python3, hyperfine (installed when
# missing), GNU coreutils. To add an operation: write its fixture_<op>_<tool> CASE and
# cmd_<op>_<tool> DIR CASE functions (and child_<op>_<tool> DIR if it makes a file, optionally
# verify_<op>_<tool> DIR CASE and cold_<op>), call `compare <op> <case> <tool>...` in main, and
# add a table to bench/report.py.
set -euo pipefail
export LC_ALL=C
# shellcheck source=bench/lib.sh
. "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"

ROOT=$BENCH_ROOT
JAR=$ROOT/target/vmdk-delta.jar
TEST_CLASSES=$ROOT/target/test-classes
SEED=$ROOT/bench/seed_vmdk_delta.py

RUNS=5
QUICK=0
NO_BUILD=0
SKIP_8GIB=0
OUT=$ROOT/docs/benchmarks.md
WORK_PARENT=
OPTIONS=(runs=RUNS quick!QUICK skip-8gib!SKIP_8GIB out=OUT no-build!NO_BUILD dir=WORK_PARENT)
parse_options "$@"
require_positive runs "$RUNS"
OUT=$(absolute "$OUT")
require_writable "$OUT"

# Sizes by label: capacities of the parents (2 TiB minus one sector is the largest a
# monolithicSparse extent holds), and amounts of data for check and commit.
declare -A BYTES=(
  [64MiB]=$((64 * 1024 ** 2))
  [1GiB]=$((1024 ** 3))
  [8GiB]=$((8 * 1024 ** 3))
  [64GiB]=$((64 * 1024 ** 3))
  [1TiB]=$((1024 ** 4))
  ["2TiB-512B"]=$((2 * 1024 ** 4 - 512))
)
GRAIN=65536 # the grain qemu-img and VMware write: 128 sectors
if [ "$QUICK" = 1 ]; then
  RUNS=1
  CAPS=(1GiB 64GiB)
  LAYERS=(1 8)
  DATA=(64MiB)
  COMMITS=(64MiB-appended 64MiB-overwritten 64MiB-scattered)
  WARMUP=5
  ITERATIONS=10
else
  CAPS=(1GiB 64GiB 1TiB 2TiB-512B)
  LAYERS=(1 8 64)
  DATA=(1GiB 8GiB)
  COMMITS=(1GiB-appended 1GiB-overwritten 1GiB-scattered 8GiB-appended 8GiB-overwritten)
  WARMUP=50
  ITERATIONS=200
  if [ "$SKIP_8GIB" = 1 ]; then
    DATA=(1GiB)
    COMMITS=(1GiB-appended 1GiB-overwritten 1GiB-scattered)
  fi
fi
# How the report names this run (its first line).
FLAGS=
if [ "$QUICK" = 1 ]; then FLAGS+=" --quick"; elif [ "$RUNS" != 5 ]; then FLAGS+=" --runs $RUNS"; fi
if [ "$QUICK" = 0 ] && [ "$SKIP_8GIB" = 1 ]; then FLAGS+=" --skip-8gib"; fi
CHAIN_CAPACITY=64GiB # of the disks of the info chains and the check disks
BIG_RUNS=$((RUNS < 3 ? RUNS : 3)) # runs of a commit of 8 GiB or more

require_tools java qemu-img qemu-io python3 stat dd
require_hyperfine

# The interpreter itself, not a wrapper such as a pyenv shim (a bash script that would add its
# own start-up to every timed run of the seed port).
PYTHON=$(python3 -c 'import sys; print(sys.executable)')
[ -x "$PYTHON" ] || die "cannot find the python3 interpreter"

if [ "$NO_BUILD" = 0 ]; then
  require_tools mvn
  say "building: mvn -B -q -DskipTests package"
  (cd "$ROOT" && mvn -B -q -DskipTests package </dev/null) >&2
fi
[ -f "$JAR" ] || die "$JAR is missing: run 'mvn -B -DskipTests package' (or drop --no-build)"
[ -f "$TEST_CLASSES/io/github/vmdkdelta/bench/InProcessBench.class" ] ||
  die "$TEST_CLASSES has no InProcessBench: run 'mvn -B -DskipTests package'"

make_work "$WORK_PARENT" vmdk-delta-bench
LOG=$WORK.log
FIXTURES=$WORK/fixtures
RESULTS=$WORK/results # hyperfine's JSON, the probes, the in-process figures
RUN=$WORK/run         # where each timed command runs, on a fresh copy of its fixture
mkdir -p "$FIXTURES" "$RESULTS"

# Fail now, not after half an hour, when the largest commit's fixture (parent and delta) and a
# copy of both would not fit.
require_space() {
  local c b largest=0 need avail
  for c in "${COMMITS[@]}"; do
    b=${BYTES[${c%%-*}]}
    if [ "$b" -gt "$largest" ]; then largest=$b; fi
  done
  need=$((4 * largest + (1 << 30)))
  avail=$(df -P -B1 -- "$WORK" | awk 'NR == 2 { print $4 }')
  [ "$avail" -ge "$need" ] ||
    die "$WORK has $((avail >> 20)) MiB free; the commit benchmark needs $((need >> 20)) MiB (use --dir)"
}
require_space

# ---------------------------------------------------------------------------------------------
# Fixtures: made once each, untimed, by qemu-img and qemu-io (and vmdk-delta or the seed port for
# the deltas that delete, revert and commit start from).

parent() { qemu-img create -q -f vmdk "$1/p.vmdk" "${BYTES[$2]}" >>"$LOG" 2>&1 || die "qemu-img create failed in $1"; }

# fill DISK OFFSET LENGTH PATTERN: real data, allocated grain by grain by qemu's own VMDK
# driver (in 256 MiB requests; cache mode unsafe, as nothing here needs it on the device yet).
fill() {
  local disk=$1 at=$2 left=$3 pattern=$4 n cmds=()
  while [ "$left" -gt 0 ]; do
    n=$((left < (256 << 20) ? left : (256 << 20)))
    cmds+=(-c "write -q -P $pattern $at $n")
    at=$((at + n)) left=$((left - n))
  done
  qemu-io -t unsafe -f vmdk "${cmds[@]}" "$disk" >>"$LOG" 2>&1 || die "qemu-io could not write $disk"
}

# fill_grains DISK PATTERN < GRAIN_NUMBERS: one grain of data at each grain number read.
fill_grains() {
  # %.0f, not %d: mawk's %d stops at 2^31 - 1.
  awk -v p="$2" -v g="$GRAIN" '{ printf("write -q -P %s %.0f %d\n", p, $1 * g, g) }' |
    qemu-io -t unsafe -f vmdk "$1" >>"$LOG" 2>&1 || die "qemu-io could not write $1"
}

# fixture NAME: the folder of fixture NAME; true when it exists already, else makes it (empty).
fixture() {
  FIXTURE=$FIXTURES/$1
  [ -d "$FIXTURE" ] && return 0
  mkdir -p "$FIXTURE"
  return 1
}

# vmdk-delta runs through its launcher, as users run it: the launcher adds the JVM options for a
# short-lived process and the class data sharing archive (docs/startup.md).
VMDKDELTA=$ROOT/bin/vmdk-delta

# An empty parent of each capacity, for make (copied before each run: make renames it).
fixture_parent() { fixture "parent-$1" || parent "$FIXTURE" "$1"; }
# A parent with a delta made by vmdk-delta (delete and revert start from it), or by the seed
# port, or by qemu-img.
fixture_made() {
  fixture "made-$1-$2" && return
  parent "$FIXTURE" "$2"
  case $1 in
    vmdkdelta) "$VMDKDELTA" make "$FIXTURE/p.vmdk" ;;
    seed) "$PYTHON" "$SEED" make "$FIXTURE/p.vmdk" ;;
    qemu) (cd "$FIXTURE" && qemu-img create -q -f vmdk -b p.vmdk -F vmdk c.vmdk) ;;
  esac >>"$LOG" 2>&1 || die "$1 could not make the delta of fixture $FIXTURE"
}

# q WORD...: the words quoted for the shell hyperfine runs the commands in (bash).
q() { local out; printf -v out '%q ' "$@"; echo "${out% }"; }

fixture_make_vmdkdelta() { fixture_parent "$1"; }
cmd_make_vmdkdelta() { q "$VMDKDELTA" make "$1/p.vmdk"; }
child_make_vmdkdelta() { echo "$1/p.vmdk"; }

fixture_make_qemu() { fixture_parent "$1"; }
cmd_make_qemu() { echo "cd $(q "$1") && qemu-img create -q -f vmdk -b p.vmdk -F vmdk c.vmdk"; }
child_make_qemu() { echo "$1/c.vmdk"; }

fixture_make_seed() { fixture_parent "$1"; }
cmd_make_seed() { q "$PYTHON" "$SEED" make "$1/p.vmdk"; }
child_make_seed() { echo "$1/p.vmdk"; }

# JVM start-up alone: the same launcher, doing no work.
fixture_startup_vmdkdelta() { FIXTURE=; }
cmd_startup_vmdkdelta() { q "$VMDKDELTA" --version; }

# make with --dry-run: start-up plus reading and checking the chain, writing nothing.
fixture_dryrun_vmdkdelta() { fixture_parent "$1"; }
cmd_dryrun_vmdkdelta() { q "$VMDKDELTA" --dry-run make "$1/p.vmdk"; }

# delete starts from a delta made by the same tool.
fixture_delete_vmdkdelta() { fixture_made vmdkdelta "$1"; }
cmd_delete_vmdkdelta() { q "$VMDKDELTA" delete "$1/p.vmdk"; }
fixture_delete_seed() { fixture_made seed "$1"; }
cmd_delete_seed() { q "$PYTHON" "$SEED" delete "$1/p.vmdk"; }

# revert starts from a delta made by the same tool. qemu-img's way is to create the delta again
# over the old one; the seed has no revert, so its peer is delete then make, two processes.
fixture_revert_vmdkdelta() { fixture_made vmdkdelta "$1"; }
cmd_revert_vmdkdelta() { q "$VMDKDELTA" revert "$1/p.vmdk"; }
child_revert_vmdkdelta() { echo "$1/p.vmdk"; }
fixture_revert_qemu() { fixture_made qemu "$1"; }
cmd_revert_qemu() { cmd_make_qemu "$1"; }
child_revert_qemu() { echo "$1/c.vmdk"; }
fixture_revert_seed() { fixture_made seed "$1"; }
cmd_revert_seed() { echo "$(cmd_delete_seed "$1") && $(cmd_make_seed "$1")"; }
child_revert_seed() { echo "$1/p.vmdk"; }

# make on parents of META_CAPACITY whose grain tables hold entries (the parents above are
# empty: qemu-img leaves their tables as holes). make checks every grain table of the disk it
# freezes, as check does (issue 13), so the tables in use are the one cost of make that grows
# with the data. some-tables: 64 grains of data written by qemu-io, one every 32 GiB, each in a
# table of its own. full-metadata: every grain table written, every entry set (the grains
# themselves holes), as far as 32-bit sector numbers reach: the most metadata a disk of that
# capacity can have.
META_CAPACITY=2TiB-512B
META_CASES=(some-tables full-metadata)
fixture_meta() {
  local i
  fixture "meta-$1" && return
  parent "$FIXTURE" "$META_CAPACITY"
  case $1 in
    some-tables)
      for ((i = 0; i < 64; i++)); do echo $((i * (32 << 30) / GRAIN)); done |
        fill_grains "$FIXTURE/p.vmdk" 0x5a
      ;;
    full-metadata)
      "$PYTHON" - "$FIXTURE/p.vmdk" <<'PY' >>"$LOG" 2>&1 || die "could not fill the grain tables of $FIXTURE/p.vmdk"
import array, struct, sys
assert sys.byteorder == "little"
with open(sys.argv[1], "r+b") as f:
    h = f.read(512)
    capacity, grain = struct.unpack_from("<QQ", h, 12)
    per_table, = struct.unpack_from("<I", h, 44)
    rgd, gd, overhead = struct.unpack_from("<QQQ", h, 48)
    grains = -(-capacity // grain)
    # Grain g at sector overhead + g * grain, while that fits in a 32-bit entry.
    fits = min(grains, ((1 << 32) - overhead) // grain)
    tables = -(-grains // per_table)
    for directory in (rgd, gd):
        f.seek(directory * 512)
        sectors = array.array("I", f.read(4 * tables))
        for t, sector in enumerate(sectors):
            first, last = t * per_table, min(fits, (t + 1) * per_table)
            if first >= last:
                break
            f.seek(sector * 512)
            f.write(array.array("I", range(overhead + first * grain, overhead + last * grain, grain)).tobytes())
    f.truncate((overhead + fits * grain) * 512)
PY
      ;;
    *) die "unknown make layout: $1" ;;
  esac
  sync -- "$FIXTURE/p.vmdk"
  printf 'fixture\tmeta\t%s\t%s\t\t\n' "$1" "$(allocated "$FIXTURE/p.vmdk")" >>"$RESULTS/probes.tsv"
}
fixture_makemeta_vmdkdelta() { fixture_meta "$1"; }
cmd_makemeta_vmdkdelta() { cmd_make_vmdkdelta "$@"; }
child_makemeta_vmdkdelta() { child_make_vmdkdelta "$@"; }
fixture_makemeta_qemu() { fixture_meta "$1"; }
cmd_makemeta_qemu() { cmd_make_qemu "$@"; }
child_makemeta_qemu() { child_make_qemu "$@"; }
fixture_dryrunmeta_vmdkdelta() { fixture_meta "$1"; }
cmd_dryrunmeta_vmdkdelta() { cmd_dryrun_vmdkdelta "$@"; }

# info reads a chain of LAYERS disks of CHAIN_CAPACITY made by qemu-img, each with 1 MiB of data
# of its own (info changes nothing: the runs share the fixture, no copy).
chain_top() { echo "$FIXTURES/chain-$1/l$(($1 - 1)).vmdk"; }
fixture_chain() {
  local n=$1 i
  fixture "chain-$n" || {
    qemu-img create -q -f vmdk "$FIXTURE/l0.vmdk" "${BYTES[$CHAIN_CAPACITY]}" >>"$LOG" 2>&1
    for ((i = 0; i < n; i++)); do
      if [ "$i" -gt 0 ]; then
        (cd "$FIXTURE" && qemu-img create -q -f vmdk -b "l$((i - 1)).vmdk" -F vmdk "l$i.vmdk") >>"$LOG" 2>&1
      fi
      # Each layer is written before the next is made on it: writing gives a disk a new CID.
      fill "$FIXTURE/l$i.vmdk" $((i << 20)) $((1 << 20)) $((i % 256))
    done
  }
  FIXTURE=
}
fixture_info_vmdkdelta() { fixture_chain "$1"; }
cmd_info_vmdkdelta() { q "$VMDKDELTA" info "$(chain_top "$2")"; }
fixture_info_qemu() { fixture_chain "$1"; }
cmd_info_qemu() { q qemu-img info --backing-chain "$(chain_top "$2")"; }

# check reads a base disk of CHAIN_CAPACITY holding DATA of data from its first byte on, shared
# by every run (check changes nothing), evicted from the page cache before each.
data_disk() { echo "$FIXTURES/data-$1/p.vmdk"; }
fixture_data() {
  fixture "data-$1" || { parent "$FIXTURE" "$CHAIN_CAPACITY" && fill "$FIXTURE/p.vmdk" 0 "${BYTES[$1]}" 0x5a; }
  FIXTURE=
}
cold_check() { q "$(data_disk "$2")"; }
fixture_check_vmdkdelta() { fixture_data "$1"; }
cmd_check_vmdkdelta() { q "$VMDKDELTA" check "$(data_disk "$2")"; }
fixture_check_qemu() { fixture_data "$1"; }
cmd_check_qemu() { q qemu-img check -f vmdk "$(data_disk "$2")"; }

# commit CASE is DATA-LAYOUT: a delta holding DATA of data on a parent of 16 times that
# capacity. appended: the parent is empty, every grain is appended to it. overwritten: the
# parent holds the same grains, every one is overwritten in place. scattered: DATA in random
# grains all over the disk, half of them also in the parent. The fixture (p-000000.vmdk and its
# delta p.vmdk, made by vmdk-delta make, the data written by qemu-io) is made once per case;
# every timed run works on a copy of it, since commit changes the parent.
commit_data() { echo "${BYTES[${1%%-*}]}"; }
commit_layout() { echo "${1#*-}"; }
fixture_commit() {
  local data layout grains
  data=$(commit_data "$1") layout=$(commit_layout "$1")
  fixture "commit-$1" && return
  qemu-img create -q -f vmdk "$FIXTURE/p.vmdk" $((16 * data)) >>"$LOG" 2>&1
  case $layout in
    appended) ;;
    overwritten) fill "$FIXTURE/p.vmdk" 0 "$data" 0x5b ;;
    scattered)
      grains=$FIXTURE.grains
      "$PYTHON" -c 'import random, sys
n, total = int(sys.argv[1]), int(sys.argv[2])
print("\n".join(map(str, sorted(random.Random(20261125).sample(range(total), n)))))' \
        $((data / GRAIN)) $((16 * data / GRAIN)) >"$grains"
      awk 'NR % 2' "$grains" | fill_grains "$FIXTURE/p.vmdk" 0x5b
      ;;
    *) die "unknown commit layout: $layout" ;;
  esac
  "$VMDKDELTA" make "$FIXTURE/p.vmdk" >>"$LOG" 2>&1 || die "vmdk-delta make failed on $FIXTURE/p.vmdk"
  if [ "$layout" = scattered ]; then
    fill_grains "$FIXTURE/p.vmdk" 0x5a <"$grains"
    rm -f -- "$grains"
  else
    fill "$FIXTURE/p.vmdk" 0 "$data" 0x5a
  fi
  # Every MB/s figure divides by DATA: the delta must hold that much.
  [ "$(allocated "$FIXTURE/p.vmdk")" -ge "$data" ] || die "the delta of the $1 commit holds less than $data bytes"
}
cold_commit() { echo "$(q "$1")/*.vmdk"; }
fixture_commit_vmdkdelta() { fixture_commit "$1"; }
cmd_commit_vmdkdelta() { q "$VMDKDELTA" commit --quiet "$1/p.vmdk"; }
# The merged disk must read as the delta read before: compared with the fixture's chain.
verify_commit_vmdkdelta() { qemu-img compare -q -f vmdk -F vmdk "$FIXTURES/commit-$2/p.vmdk" "$1/p.vmdk"; }
fixture_commit_qemu() { fixture_commit "$1"; }
cmd_commit_qemu() { q qemu-img commit -q -f vmdk "$1/p.vmdk"; }
verify_commit_qemu() { qemu-img compare -q -f vmdk -F vmdk "$FIXTURES/commit-$2/p.vmdk" "$1/p-000000.vmdk"; }
# What deleting the delta alone costs on this file system (vmdk-delta's commit deletes it;
# qemu-img commit leaves it in place): the run gets the fixture's delta, without its parent.
fixture_commit_rm() { fixture_commit "$1"; }
# shellcheck disable=SC2034 # read by prepare, through ${!copy}
COPY_commit_rm=p.vmdk
cmd_commit_rm() { q rm -- "$1/p.vmdk"; }

# ---------------------------------------------------------------------------------------------
# Probes and timing.

# allocated FILE: the file's allocated bytes (stat blocks times block size).
allocated() { local b; b=$(stat -c '%b %B' -- "$1") && echo $((${b% *} * ${b#* })); }

# with_io OUT COMMAND...: runs COMMAND, then writes to OUT the bytes it read and wrote through
# system calls (rchar and wchar of /proc/PID/io, which count the children waited for).
with_io() {
  local out=$1
  shift
  (
    "$@" || exit
    if [ -r "/proc/$BASHPID/io" ]; then
      awk '/^rchar:/ { r = $2 } /^wchar:/ { w = $2 } END { print r "\t" w }' "/proc/$BASHPID/io" >"$out"
    else
      printf '\t\n' >"$out"
    fi
  )
}

# prepare OP TOOL CASE: the untimed command that gives a run fresh files: RUN emptied, the
# fixture (or the file COPY_<op>_<tool> of it) copied in sparse, everything synced, and the
# input evicted from the page cache (cold_<op>), so that the timed command reads it from the
# device. The programs themselves stay cached.
prepare() {
  local op=$1 tool=$2 case=$3 copy cmd
  "fixture_${op}_${tool}" "$case"
  cmd="rm -rf -- $(q "$RUN") && mkdir -p -- $(q "$RUN")"
  if [ -n "$FIXTURE" ]; then
    copy=COPY_${op}_${tool}
    cmd+=" && cp --sparse=always -- $(q "$FIXTURE")/${!copy:-*} $(q "$RUN")/"
  fi
  cmd+=" && sync"
  if declare -F "cold_$op" >/dev/null; then
    # cold_<op> RUN CASE: the files (a shell pattern) to evict. They are clean (synced): dd
    # drops their pages.
    cmd+=" && for f in $("cold_$op" "$RUN" "$case"); do dd if=\"\$f\" iflag=nocache count=0 status=none; done"
  fi
  echo "$cmd"
}

# probe OP TOOL CASE: one untimed run, for what hyperfine does not measure: the allocation of the
# file it makes (child_<op>_<tool>; every delta made must be one qemu-img accepts, with the parent
# as backing file), the bytes it read and wrote, and whether its result is right
# (verify_<op>_<tool>). Appends "op tool case allocated read written" to probes.tsv.
probe() {
  local op=$1 tool=$2 case=$3 child alloc='' info io
  bash -c "$(prepare "$op" "$tool" "$case")" >>"$LOG" 2>&1 || die "prepare of $op by $tool at $case failed"
  with_io "$RESULTS/io" bash -c "$("cmd_${op}_${tool}" "$RUN" "$case")" >>"$LOG" 2>&1 ||
    { cat "$LOG" >&2; die "$op by $tool at $case failed"; }
  if declare -F "verify_${op}_${tool}" >/dev/null; then
    "verify_${op}_${tool}" "$RUN" "$case" >>"$LOG" 2>&1 ||
      die "$op by $tool at $case: the result is not what it should be (see verify_${op}_${tool})"
  fi
  if declare -F "child_${op}_${tool}" >/dev/null; then
    child=$("child_${op}_${tool}" "$RUN")
    [ -f "$child" ] || die "$op by $tool at $case made no $child"
    sync -- "$child"
    alloc=$(allocated "$child")
    info=$(qemu-img info --backing-chain "$child" 2>>"$LOG") || info=
    grep -q '^backing file: p' <<<"$info" ||
      die "$op by $tool at $case: qemu-img does not see a delta on p in $child"
  fi
  io=$(cat "$RESULTS/io")
  printf '%s\t%s\t%s\t%s\t%s\n' "$op" "$tool" "$case" "$alloc" "$io" >>"$RESULTS/probes.tsv"
}

# The highest 1-minute load average seen at the start of a set of runs.
LOAD_MAX=0
note_load() {
  local l
  l=$(cut -d' ' -f1 /proc/loadavg 2>/dev/null) || return 0
  if awk -v a="$l" -v b="$LOAD_MAX" 'BEGIN { exit !(a > b) }'; then LOAD_MAX=$l; fi
}

# compare OP CASE TOOL...: one hyperfine run of every TOOL's command for OP at CASE, RUNS runs
# each, then a probe run of each. A TOOL written OTHER_OP/TOOL runs OTHER_OP in the same
# hyperfine run (start-up next to make, for example). The JSON names each command OP/TOOL.
compare() { compare_runs "$RUNS" "$@"; }
compare_runs() {
  local runs=$1 op=$2 case=$3 tool o t args=()
  shift 3
  say "$op $case: $* ($runs run(s) each)"
  note_load
  for tool in "$@"; do
    o=$op t=$tool
    if [[ $tool == */* ]]; then o=${tool%%/*} t=${tool#*/}; fi
    # Fixtures first, outside hyperfine: its --prepare only copies them.
    "fixture_${o}_${t}" "$case"
    args+=(--prepare "$(prepare "$o" "$t" "$case")" -n "$o/$t" "$("cmd_${o}_${t}" "$RUN" "$case")")
  done
  hyperfine --shell=bash --style basic --runs "$runs" --warmup 0 \
    --export-json "$RESULTS/time-$op-$case.json" "${args[@]}" >>"$LOG" 2>&1 ||
    { tail -n 40 "$LOG" >&2; die "hyperfine failed on $op $case"; }
  for tool in "$@"; do
    o=$op t=$tool
    if [[ $tool == */* ]]; then o=${tool%%/*} t=${tool#*/}; fi
    if declare -F "child_${o}_${t}" >/dev/null || declare -F "verify_${o}_${t}" >/dev/null ||
      [ "$o" = commit ]; then
      probe "$o" "$t" "$case"
    fi
  done
  rm -rf -- "$RUN"
}

# The in-process figures: make, revert and delete on a parent of each capacity, info on each
# chain, check on each data disk, all in one warm JVM (io.github.vmdkdelta.bench.InProcessBench).
in_process() {
  say "in-process, JVM warm: $WARMUP warm-up + $ITERATIONS timed rounds"
  local args=() cap d n
  for cap in "${CAPS[@]}"; do
    d=$WORK/inproc-$cap
    mkdir -p "$d"
    parent "$d" "$cap"
    args+=("$d/p.vmdk")
  done
  for n in "${LAYERS[@]}"; do args+=(--info "$n=$(chain_top "$n")"); done
  for d in "${DATA[@]}"; do args+=(--check "$d=$(data_disk "$d")"); done
  java -cp "$JAR:$TEST_CLASSES" io.github.vmdkdelta.bench.InProcessBench \
    --warmup "$WARMUP" --iterations "$ITERATIONS" "${args[@]}" >"$RESULTS/inprocess.tsv" ||
    die "the in-process benchmark failed"
}

# ---------------------------------------------------------------------------------------------
main() {
  say "work folder: $WORK"
  local load_before load_after cap n d c runs
  load_before=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown)
  : >"$RESULTS/probes.tsv"
  for cap in "${CAPS[@]}"; do
    compare make "$cap" vmdkdelta qemu seed startup/vmdkdelta dryrun/vmdkdelta
  done
  for c in "${META_CASES[@]}"; do compare makemeta "$c" vmdkdelta qemu dryrunmeta/vmdkdelta; done
  rm -rf -- "$FIXTURES"/meta-*
  for cap in "${CAPS[@]}"; do compare delete "$cap" vmdkdelta seed; done
  for cap in "${CAPS[@]}"; do compare revert "$cap" vmdkdelta qemu seed; done
  rm -rf -- "$FIXTURES"/parent-* "$FIXTURES"/made-*
  for n in "${LAYERS[@]}"; do compare info "$n" vmdkdelta qemu; done
  for d in "${DATA[@]}"; do compare check "$d" vmdkdelta qemu; done
  in_process
  rm -rf -- "$FIXTURES"/chain-* "$FIXTURES"/data-*
  for c in "${COMMITS[@]}"; do
    runs=$RUNS
    if [ "$(commit_data "$c")" -ge "${BYTES[8GiB]}" ]; then runs=$BIG_RUNS; fi
    compare_runs "$runs" commit "$c" vmdkdelta qemu rm
    rm -rf -- "$FIXTURES/commit-$c"
  done
  load_after=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown)
  note_load
  say "writing the report"
  machine_table "$WORK" >"$RESULTS/machine.md"
  local bytes=() k
  for k in "${!BYTES[@]}"; do bytes+=("$k=${BYTES[$k]}"); done
  env FLAGS="$FLAGS" QUICK="$QUICK" RUNS="$RUNS" BIG_RUNS="$BIG_RUNS" CAPS="${CAPS[*]}" LAYERS="${LAYERS[*]}" \
    DATA="${DATA[*]}" COMMITS="${COMMITS[*]}" META_CASES="${META_CASES[*]}" \
    META_CAPACITY="$META_CAPACITY" CHAIN_CAPACITY="$CHAIN_CAPACITY" BYTES="${bytes[*]}" \
    GRAIN="$GRAIN" WARMUP="$WARMUP" ITERATIONS="$ITERATIONS" BLOCK="$(stat -f -c '%S' -- "$WORK")" \
    LOAD_BEFORE="$load_before" LOAD_AFTER="$load_after" LOAD_MAX="$LOAD_MAX" \
    CORES="$(nproc 2>/dev/null || echo 1)" PYTHON_VERSION="$("$PYTHON" --version 2>&1) ($PYTHON)" \
    python3 "$ROOT/bench/report.py" "$RESULTS" >"$OUT.tmp" || die "bench/report.py failed"
  marked_sections "$OUT" >>"$OUT.tmp"
  mv -- "$OUT.tmp" "$OUT"
  say "wrote $OUT"
}

main
