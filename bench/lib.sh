# What the bench scripts share, sourced by each (not run): messages, option parsing, checks, the
# work folder, the machine's facts, and writing a marked section of docs/benchmarks.md.
# shellcheck shell=bash

BENCH_ROOT=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd)
BENCH_SCRIPT=bench/$(basename -- "$0")

die() { printf '%s: %s\n' "$BENCH_SCRIPT" "$*" >&2; exit 1; }
say() { printf '== [%ss] %s\n' "$SECONDS" "$*" >&2; }

# parse_options ARG...: the script's options, as its array OPTIONS declares them: "name=VAR" takes
# a value (--name V or --name=V) into VAR, "name!VAR" is a flag that sets VAR to 1. -h and
# --help print the script's header comment (up to its first line that is not a comment).
parse_options() {
  local arg name value inline spec found
  while [ $# -gt 0 ]; do
    arg=$1
    shift
    case $arg in
      -h | --help)
        sed -n '2,/^[^#]/p' "$0" | sed '$d; s/^# \{0,1\}//'
        exit 0
        ;;
      --?*) ;;
      *) die "unknown argument: $arg (see --help)" ;;
    esac
    name=${arg#--} inline=0 value='' found=0
    if [[ $name == *=* ]]; then value=${name#*=} name=${name%%=*} inline=1; fi
    for spec in "${OPTIONS[@]}"; do
      case $spec in
        "$name="*)
          if [ "$inline" = 0 ]; then
            [ $# -gt 0 ] || die "--$name needs a value"
            value=$1
            shift
          fi
          printf -v "${spec#*=}" '%s' "$value"
          found=1
          ;;
        "$name!"*)
          [ "$inline" = 0 ] || die "--$name takes no value"
          printf -v "${spec#*!}" '%s' 1
          found=1
          ;;
      esac
    done
    [ "$found" = 1 ] || die "unknown option: $arg (see --help)"
  done
}

# require_positive NAME VALUE: VALUE must be a positive integer (NAME is the option, for the message).
require_positive() {
  [[ $2 =~ ^[1-9][0-9]*$ ]] || die "--$1 must be a positive integer (got '$2')"
}

# require_tools TOOL...: each must be on the PATH.
require_tools() {
  local tool
  for tool in "$@"; do
    command -v "$tool" >/dev/null 2>&1 || die "$tool not found on the PATH"
  done
}

# require_hyperfine: hyperfine times every command of the bench scripts; installed from the
# distribution (Debian package hyperfine) when missing, as .ci/run installs the qemu tools.
require_hyperfine() {
  command -v hyperfine >/dev/null 2>&1 && return
  command -v apt-get >/dev/null 2>&1 || die "hyperfine not found on the PATH (and no apt-get to install it)"
  local sudo=
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null 2>&1 || die "hyperfine not found; installing it needs root (or sudo)"
    sudo="sudo -n"
  fi
  say "installing hyperfine"
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y --no-install-recommends hyperfine </dev/null >&2 ||
    { DEBIAN_FRONTEND=noninteractive $sudo apt-get update </dev/null >&2 &&
      DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y --no-install-recommends hyperfine </dev/null >&2; } ||
    die "could not install hyperfine"
}

# absolute PATH: PATH made absolute (against the current folder), for files named on the command
# line that are used after a cd.
absolute() {
  case $1 in /*) echo "$1" ;; *) echo "$PWD/$1" ;; esac
}

# require_writable FILE: fail now rather than after the measurements.
require_writable() {
  { mkdir -p -- "$(dirname -- "$1")" && : >>"$1.tmp" && rm -f -- "$1.tmp"; } || die "cannot write $1"
}

# make_work PARENT NAME: sets WORK to a new folder NAME.XXXXXX under PARENT (default TMPDIR or
# /tmp), removed when the script exits.
make_work() {
  local parent=${1:-${TMPDIR:-/tmp}}
  mkdir -p -- "$parent"
  WORK=$(mktemp -d "$parent/$2.XXXXXX")
  # shellcheck disable=SC2064 # WORK is fixed from here on: expand it now
  trap "rm -rf -- '$WORK' '$WORK.log'" EXIT
  trap 'exit 130' INT TERM
}

fs_type() { df -T -- "$1" 2>/dev/null | awk 'NR == 2 { print $2 }'; }
java_version() { java -version 2>&1 | sed -n 1p; }

# machine_table DIR: the machine the figures were taken on, as a markdown table (DIR: the test
# folder, whose file system and device are named).
machine_table() {
  local cpu mem fs dev disk opts
  cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo 2>/dev/null | sed -n 1p)
  mem=$(awk '/^MemTotal:/ { printf("%.1f GiB", $2 / 1024 / 1024) }' /proc/meminfo 2>/dev/null)
  fs=$(fs_type "$1")
  dev=$(df -T -- "$1" 2>/dev/null | awk 'NR == 2 { print $1 }')
  opts=$(awk -v d="$dev" '$1 == d { print $4; exit }' /proc/mounts 2>/dev/null)
  disk=
  if command -v lsblk >/dev/null 2>&1 && [ -b "$dev" ]; then
    disk=$(lsblk -ndo TYPE,SIZE,ROTA,MODEL -- "$dev" 2>/dev/null |
      awk '{ rota = ($3 == 1 ? "rotational" : "non-rotational"); m = ""; for (i = 4; i <= NF; i++) m = m " " $i;
             printf("%s %s, %s as the kernel reports it%s", $1, $2, rota, (m == "" ? "" : ", model" m)) }')
  fi
  echo "| what | value |"
  echo "|---|---|"
  echo "| date | $(date -u '+%Y-%m-%d %H:%M UTC') |"
  echo "| source | $(git -C "$BENCH_ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)$(git -C "$BENCH_ROOT" diff --quiet HEAD 2>/dev/null || echo ' (with uncommitted changes)') |"
  echo "| CPU | ${cpu:-unknown}, $(nproc 2>/dev/null || echo '?') cores available |"
  echo "| memory | ${mem:-unknown} |"
  echo "| test folder | ${fs:-unknown} file system on ${dev:-unknown}${disk:+ ($disk)}${opts:+, mounted $opts} |"
  echo "| kernel | $(uname -srm) |"
  echo "| JDK | $(java -version 2>&1 | sed -n 2p) |"
  echo "| qemu-img | $(qemu-img --version | sed -n 1p) |"
  echo "| hyperfine | $(hyperfine --version) |"
}

# write_section MARKER SECTION OUT: puts the file SECTION (which begins with the line
# "<!-- MARKER:begin ..." and ends with "<!-- MARKER:end -->") in OUT in place of the section
# between those markers, or appends it; the rest of OUT is left as it was.
write_section() {
  local marker=$1 section=$2 out=$3
  if [ -f "$out" ] && grep -q "^<!-- $marker:begin" "$out"; then
    awk -v section="$section" -v begin="^<!-- $marker:begin" -v end="^<!-- $marker:end" '
      $0 ~ begin { while ((getline line < section) > 0) print line; skip = 1; next }
      $0 ~ end { skip = 0; next }
      !skip { print }' "$out" >"$out.tmp" && mv -- "$out.tmp" "$out"
  else
    if [ -s "$out" ]; then echo >>"$out"; fi
    cat -- "$section" >>"$out"
  fi
}

# marked_sections FILE: every marked section of FILE (from "<!-- X:begin" to "<!-- X:end -->"),
# each after an empty line: what the smaller scripts wrote, which bench/run.sh keeps.
marked_sections() {
  [ -f "$1" ] || return 0
  awk '/^<!-- [a-z-]+:begin/ { print ""; inside = 1 } inside { print } /^<!-- [a-z-]+:end/ { inside = 0 }' "$1"
}
