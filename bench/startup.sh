#!/usr/bin/env bash
# Whole-process start-up of vmdk-delta against a Hello World JVM, in one hyperfine run (issue 15:
# `--version` within 2.5 times and `make` of a small disk within 3 times the Hello World). Writes
# the section between the startup markers of docs/benchmarks.md (or appends it), and nothing
# else there.
#
#   bench/startup.sh [--compare LAUNCHER] [--compare-label L] [--runs N] [--dir DIR] [--out FILE]
#
#   --compare LAUNCHER  also measure another build's bin/vmdk-delta (e.g. a worktree of main),
#                       in the same run; its ratios are reported beside ours
#   --compare-label L   its name in the table (default "compared")
#   --runs N            timed runs per command (default 30, after 3 warm-up runs)
#   --dir DIR           where the disk and Hello World are made (default a new temporary folder,
#                       removed at the end)
#   --out FILE          the report (default docs/benchmarks.md)
#
# Commands: Hello World (`java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xshare:auto -cp DIR
# Hello`, the launcher's JVM options and the JDK's own class data sharing archive), then, for each
# launcher, `--version` and `make` of a 64 MiB qemu-img disk (hyperfine's --prepare puts a fresh
# copy of the disk in place before every run of make). The launchers must be built already (their
# staleness check then finds nothing to do). Needs bash, java, javac, qemu-img, hyperfine (the
# Debian package; installed with apt-get when missing and possible) and python3.
set -euo pipefail
export LC_ALL=C

ROOT=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd)
LAUNCHER=$ROOT/bin/vmdk-delta
COMPARE=
COMPARE_LABEL=compared
RUNS=30
WORK_PARENT=
OUT=$ROOT/docs/benchmarks.md

die() { printf 'bench/startup.sh: %s\n' "$*" >&2; exit 1; }
say() { printf '== [%ss] %s\n' "$SECONDS" "$*" >&2; }

while [ $# -gt 0 ]; do
  case $1 in
    --compare) COMPARE=$2; shift 2 ;;
    --compare-label) COMPARE_LABEL=$2; shift 2 ;;
    --runs) RUNS=$2; shift 2 ;;
    --dir) WORK_PARENT=$2; shift 2 ;;
    --out) OUT=$2; shift 2 ;;
    -h|--help) sed -n '2,22p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown argument: $1 (see --help)" ;;
  esac
done
[[ $RUNS =~ ^[1-9][0-9]*$ ]] || die "--runs must be a positive integer"
if ! command -v hyperfine >/dev/null; then
  say "installing hyperfine (Debian package)"
  if [ "$(id -u)" = 0 ]; then
    apt-get install -y -q hyperfine >&2 || die "could not install hyperfine"
  else
    sudo apt-get install -y -q hyperfine >&2 || die "could not install hyperfine"
  fi
fi
for tool in java javac qemu-img hyperfine python3; do
  command -v "$tool" >/dev/null || die "needs $tool"
done
[ -x "$LAUNCHER" ] || die "no launcher: $LAUNCHER"
[ -z "$COMPARE" ] || [ -x "$COMPARE" ] || die "no such launcher: $COMPARE"
case $OUT in /*) ;; *) OUT=$PWD/$OUT ;; esac

WORK=$(mktemp -d "${WORK_PARENT:-${TMPDIR:-/tmp}}/vmdk-delta-startup.XXXXXX")
trap 'rm -rf -- "$WORK"' EXIT

say "fixtures in $WORK"
mkdir -p "$WORK/hello" "$WORK/fx"
cat >"$WORK/hello/Hello.java" <<'JAVA'
public class Hello {
  public static void main(String[] args) {
    System.out.println("Hello World");
  }
}
JAVA
javac -d "$WORK/hello" "$WORK/hello/Hello.java"
qemu-img create -q -f vmdk "$WORK/fx/sd0.vmdk" 64M
# The launchers build their jar now if it is stale, not in the timing; each must work.
for l in "$LAUNCHER" ${COMPARE:+"$COMPARE"}; do
  "$l" --version >/dev/null || die "$l --version failed"
done

JVM="java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xshare:auto"
commands=(-n "Hello World" "$JVM -cp $WORK/hello Hello")
prepares=("true")
add() { # label launcher run-folder
  local label=$1 launcher=$2 run=$WORK/$3
  commands+=(-n "$label --version" "$launcher --version")
  prepares+=("true")
  commands+=(-n "$label make" "$launcher make $run/sd0.vmdk")
  prepares+=("rm -rf -- '$run' && mkdir -p -- '$run' && cp -- '$WORK/fx/sd0.vmdk' '$run/'")
}
add this "$LAUNCHER" run-this
[ -z "$COMPARE" ] || add "$COMPARE_LABEL" "$COMPARE" run-compared
prepare_args=()
for p in "${prepares[@]}"; do
  prepare_args+=(--prepare "sh -c \"$p\"")
done
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown)
say "hyperfine: $RUNS runs of each command"
hyperfine -N --style basic --warmup 3 --runs "$RUNS" "${prepare_args[@]}" \
  --export-json "$WORK/startup.json" "${commands[@]}" >&2

SOURCE=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)
FS=$(df -T -- "$WORK" | awk 'NR == 2 { print $2 }')
python3 - "$WORK/startup.json" "$RUNS" "$FS" "$(nproc)" "$(java -version 2>&1 | head -1)" \
  "$SOURCE" "$LOAD_BEFORE" "$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown)" \
  "$COMPARE" "$COMPARE_LABEL" >"$WORK/section.md" <<'PY'
import json, sys, datetime
path, runs, fs, cores, java, source, load_before, load, compare, compare_label = sys.argv[1:]
results = json.load(open(path))["results"]
hello = results[0]["median"]
targets = {"--version": 2.5, "make": 3.0}
def ms(x):
    return round(x * 1000)
print("<!-- startup:begin (written by bench/startup.sh; do not edit by hand) -->")
print("## Start-up: against a Hello World JVM")
print()
print("Whole process, as a user runs it: `bin/vmdk-delta --version` and `bin/vmdk-delta make` of a")
print("64 MiB qemu-img disk (a fresh copy before each run), against a Hello World run with the")
print("launcher's JVM options (`java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xshare:auto`), in one")
print(f"hyperfine run ({runs} runs each after 3 warm-up runs). Written by `bench/startup.sh` on")
print(f"{datetime.datetime.utcnow():%Y-%m-%d %H:%M} UTC, source {source}, {cores} cores, {fs} file")
print(f"system, {java}, load average (1, 5, 15 min) {load_before} before, {load} after.")
print("Milliseconds, median (min-max); user and system CPU, mean; the ratio is the median over")
print("Hello World's median, the target that of issue 15. make forces its files and folder to the")
print("device (fsync) before it exits, so its wall time also waits for the disk, which other work")
print("on the machine shares." + (f" \"{compare_label}\" is {compare}." if compare else ""))
print()
print("| command | wall ms | user ms | system ms | / Hello World | target |")
print("|---|---|---|---|---|---|")
for r in results:
    verb = r["command"].split(" ")[-1]
    target = f"{targets[verb]}" if verb in targets else ""
    print(f"| {r['command']} | {ms(r['median'])} ({ms(r['min'])}-{ms(r['max'])}) |"
          f" {ms(r['user'])} | {ms(r['system'])} | {r['median'] / hello:.2f} | {target} |")
print("<!-- startup:end -->")
PY

if [ -f "$OUT" ] && grep -q '^<!-- startup:begin' "$OUT"; then
  python3 - "$OUT" "$WORK/section.md" <<'PY'
import re, sys
out, section = sys.argv[1:]
text = open(out).read()
new = open(section).read()
text = re.sub(r"<!-- startup:begin.*?<!-- startup:end -->\n", lambda m: new, text, flags=re.S)
open(out, "w").write(text)
PY
else
  printf '\n' >>"$OUT"
  cat "$WORK/section.md" >>"$OUT"
fi
cat "$WORK/section.md"
say "written to $OUT"
