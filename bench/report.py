#!/usr/bin/env python3
"""Writes docs/benchmarks.md (to stdout) for bench/run.sh, from the results folder it names.

Reads hyperfine's JSON (time-OP-CASE.json, one per hyperfine run, each command named OP/TOOL),
the probes (probes.tsv: op, tool, case, allocated bytes, bytes read, bytes written), the
in-process figures (inprocess.tsv, from InProcessBench) and the machine table (machine.md); the
run's parameters come in the environment (see bench/run.sh, main). Every figure in the report is
one of these, or computed from them here; nothing is typed in.
"""
import glob
import json
import math
import os
import statistics
import sys

RESULTS = sys.argv[1]
ENV = os.environ
QUICK = ENV["QUICK"] == "1"
RUNS = int(ENV["RUNS"])
BIG_RUNS = int(ENV["BIG_RUNS"])
CAPS = ENV["CAPS"].split()
LAYERS = [int(n) for n in ENV["LAYERS"].split()]
DATA = ENV["DATA"].split()
COMMITS = ENV["COMMITS"].split()
META_CASES = ENV["META_CASES"].split()
META_CAPACITY = ENV["META_CAPACITY"]
CHAIN_CAPACITY = ENV["CHAIN_CAPACITY"]
BYTES = dict(kv.split("=") for kv in ENV["BYTES"].split())
BYTES = {k: int(v) for k, v in BYTES.items()}
GRAIN = int(ENV["GRAIN"])
BLOCK = int(ENV["BLOCK"])

# --- what was measured ---------------------------------------------------------------------

# (op, tool, case) -> hyperfine's result for that command: times in microseconds
TIMES = {}
for path in glob.glob(os.path.join(RESULTS, "time-*.json")):
    case = os.path.basename(path)[len("time-"):-len(".json")].split("-", 1)[1]
    with open(path) as f:
        for r in json.load(f)["results"]:
            op, tool = r["command"].split("/")
            TIMES[(op, tool, case)] = {
                k: round(r[k] * 1e6) for k in ("median", "min", "max")
            } | {"times": [round(t * 1e6) for t in r["times"]]}

ALLOC, READ, WRITTEN = {}, {}, {}
with open(os.path.join(RESULTS, "probes.tsv")) as f:
    for line in f:
        op, tool, case, alloc, read, written = line.rstrip("\n").split("\t")
        key = (op, tool, case)
        if alloc:
            ALLOC[key] = int(alloc)
        if read:
            READ[key], WRITTEN[key] = int(read), int(written)

INPROC = {}
with open(os.path.join(RESULTS, "inprocess.tsv")) as f:
    for line in f:
        op, key, _n, median, lo, hi = line.rstrip("\n").split("\t")
        INPROC[(op, key)] = (int(median), int(lo), int(hi))


def t(op, tool, case):
    key = (op, tool, case)
    if key not in TIMES:
        sys.exit(f"bench/report.py: no measurement of {op} by {tool} at {case}")
    return TIMES[key]


def median(op, tool, case):
    return t(op, tool, case)["median"]


def all_caps(op, tool):
    """Every run of OP by TOOL over all capacities, pooled: (median, min, max)."""
    runs = [x for cap in CAPS for x in t(op, tool, cap)["times"]]
    return {"median": round(statistics.median(runs)), "min": min(runs), "max": max(runs)}


def inproc(op, key, field=0):
    """An in-process figure in ns: 0 median, 1 min, 2 max. KEY is the capacity in bytes for make,
    revert and delete, the case for info and check."""
    key = str(BYTES[key]) if key in BYTES and op in ("make", "make-plan", "revert", "delete") else str(key)
    if (op, key) not in INPROC:
        sys.exit(f"bench/report.py: no in-process figure for {op} {key}")
    return INPROC[(op, key)][field]


# --- formats -------------------------------------------------------------------------------


def num1000(n):
    """The integer N divided by 1000, with 2 decimals below 10, 1 below 100, none above."""
    d = n / 1000
    if abs(n) < 10000:
        return f"{d:.2f}"
    if abs(n) < 100000:
        return f"{d:.1f}"
    return f"{d:.0f}"


def ms(us):
    return num1000(us)


def ms3(r):
    """'median (min–max)' in ms of a result."""
    return f"{ms(r['median'])} ({ms(r['min'])}–{ms(r['max'])})"


def kib(b):
    return str((b + 512) // 1024)


def mib(b):
    return str((b + 524288) // 1048576)


def mbs(b, us):
    """MB/s (10^6 bytes per second) of B bytes done in US microseconds."""
    return num1000(b * 1000 // us)


def ratio(a, b):
    """A / B with 3 decimals below 0.1, 2 below 10, none above."""
    if b == 0:
        return "n/a"
    r = a / b
    if r < 0.1:
        return f"{r:.3f}"
    if r < 10:
        return f"{r:.2f}"
    return f"{r:.0f}"


def inproc3(op, key):
    return f"{ms(inproc(op, key) // 1000)} ({ms(inproc(op, key, 1) // 1000)}–{ms(inproc(op, key, 2) // 1000)})"


def gd_bytes(capacity):
    """Grain-directory bytes of one copy: ceil(capacity / (512 GTEs * 128 sectors * 512 B)) entries of 4 B."""
    return math.ceil(capacity / (512 * 128 * 512)) * 4


def g(x):
    return f"{x:g}"


def pct(a, b):
    return f"{100 * a / b:.0f}"


OUT = []


def p(text=""):
    OUT.append(text)


def row(*cells):
    p("| " + " | ".join(str(c) for c in cells) + " |")


FIRST, LAST = CAPS[0], CAPS[-1]
SU = all_caps("startup", "vmdkdelta")["median"]

# --- the report ----------------------------------------------------------------------------


def header():
    p(f"""# Benchmarks

Written by `bench/run.sh{ENV["FLAGS"]}`; do not edit by hand, run it again. Every figure
below was measured in the run that wrote this file, on the machine described here. Times are
wall-clock milliseconds measured by hyperfine (each command's runs in a row, its `--prepare`
giving every run fresh files, untimed), shown as **median (min–max)** of the runs; allocation
is the child file's allocated size (`stat` blocks × block size) in KiB after `sync`, from one
more, untimed run. A ratio is vmdk-delta's median divided by the peer's: below 1 means
vmdk-delta is faster or smaller.

The peers: `qemu-img create -f vmdk -b p.vmdk -F vmdk c.vmdk` (qemu's own delta), and
`bench/seed_vmdk_delta.py`, the original Python 2 script ported to Python 3 with the same
algorithm (it copies the parent's metadata area and writes zeroed grain tables; only the
Python 3 changes and the 64-bit `c_ulong` header fix were made, see its header comment).
Parents are copies of fresh, empty monolithicSparse disks made by `qemu-img create -f vmdk`;
the page cache is warm and `sync` runs before each timed command. vmdk-delta forces its new
file, its journal and the folder to the device (fsync) before it reports success; qemu-img and
the seed port do not fsync (`qemu-img commit` flushes once, at its end), so their files may
still be only in the page cache when they exit. `check` and `commit` start with their disks
evicted from the page cache (`dd iflag=nocache` after `sync`), so that they read them from the
device; the programs themselves stay cached.

## Machine
""")
    with open(os.path.join(RESULTS, "machine.md")) as f:
        p(f.read().rstrip("\n"))
    row("Python (seed port)", ENV["PYTHON_VERSION"])
    row("load average (1, 5, 15 min)",
        f"before: {ENV['LOAD_BEFORE']}; after: {ENV['LOAD_AFTER']}; highest 1-min at the start of a hyperfine run: {ENV['LOAD_MAX']}")
    runs = f"{RUNS}"
    if QUICK:
        runs += " (--quick: a smoke test, not figures to publish)"
    elif BIG_RUNS != RUNS and any(commit_data(c) >= BYTES["8GiB"] for c in COMMITS):
        runs += f"; {BIG_RUNS} for the 8 GiB commits"
    row("runs per figure", runs)
    cores = int(ENV["CORES"])
    loads = [ENV["LOAD_BEFORE"].split()[0], ENV["LOAD_AFTER"].split()[0], ENV["LOAD_MAX"]]
    load = max(float(x) for x in loads if x.replace(".", "", 1).isdigit())
    p()
    if load > cores / 2:
        p(f"""**The machine was busy** (1-minute load average up to {load:g} on {cores} cores): other
processes competed for the CPU and disk during the run, so the times are noisier and
probably higher than on an idle machine. The ratios are measured in the same hyperfine runs and
suffer less.
""")


def report_make():
    p("""## make: whole process

One process per run, as a user or script runs it: `bin/vmdk-delta make p.vmdk` (the
launcher, with its JVM options and class data sharing archive), the `qemu-img create` above, `python3 bench/seed_vmdk_delta.py make p.vmdk`.
"Grain directories" is the size of the two grain directories (primary and redundant) for that
capacity, the only part of a new delta that must grow with it.

| capacity | grain directories (KiB) | vmdk-delta ms | qemu-img ms | seed port ms | vmdk-delta ÷ qemu-img | vmdk-delta ÷ seed |
|---|---:|---:|---:|---:|---:|---:|""")
    for cap in CAPS:
        v, q, s = t("make", "vmdkdelta", cap), t("make", "qemu", cap), t("make", "seed", cap)
        row(cap, g(2 * gd_bytes(BYTES[cap]) / 1024), ms3(v), ms3(q), ms3(s),
            ratio(v["median"], q["median"]), ratio(v["median"], s["median"]))
    wm1 = inproc("make", FIRST) // 1000
    vm1, vml = median("make", "vmdkdelta", FIRST), median("make", "vmdkdelta", LAST)
    qm1, qml = median("make", "qemu", FIRST), median("make", "qemu", LAST)
    sm1, sml = median("make", "seed", FIRST), median("make", "seed", LAST)
    dominates = ("**JVM start-up, not the work, dominates vmdk-delta's whole-process time**"
                 if wm1 * 2 <= vm1 else "the work is the larger part")
    p(f"""
From {FIRST} to {LAST}, vmdk-delta's `make` went from {ms(vm1)} to {ms(vml)} ms,
qemu-img's from {ms(qm1)} to {ms(qml)} ms and the seed port's from {ms(sm1)} to
{ms(sml)} ms. The seed port's time grows with capacity because it reads the parent's whole
metadata area and writes the grain tables as zeros (128 MiB of tables per TiB, twice over);
vmdk-delta and qemu-img write only the header, descriptor and grain directories and leave the
tables as holes. The same `make` with the JVM warm (in-process, below) took {ms(wm1)} ms at
{FIRST}: {100 - 100 * wm1 / vm1:.0f}% of vmdk-delta's whole-process time there is the fixed cost of a
new JVM (start-up, class loading, running code before the JIT compiles it), not the work:
{dominates}. The next table splits it.

## make: where vmdk-delta's whole-process time goes

Measured in the same hyperfine runs as the table above: `bin/vmdk-delta --version`
(JVM start-up, no work), `--dry-run make` (start-up, then reading and checking the chain,
writing nothing), the real `make` (also writes the delta and journal, renames, fsyncs), and
the same `make` in-process with the JVM warm.

| capacity | --version ms | --dry-run make ms | make ms | in-process make ms |
|---|---:|---:|---:|---:|""")
    for cap in CAPS:
        row(cap, ms3(t("startup", "vmdkdelta", cap)), ms3(t("dryrun", "vmdkdelta", cap)),
            ms3(t("make", "vmdkdelta", cap)), ms(inproc("make", cap) // 1000))
    dry = all_caps("dryrun", "vmdkdelta")
    p(f"""
Over all capacities, JVM start-up alone took {ms3(all_caps("startup", "vmdkdelta"))} ms
(median, min–max), and `--dry-run make` {ms3(dry)} ms: loading and running the
checking code cold costs {ms(dry["median"] - SU)} ms more than start-up, against {ms(inproc("make-plan", FIRST) // 1000)} ms for the same
planning with the JVM warm. The real `make` adds the writes, renames and fsyncs.

## make: allocation of the new delta

| capacity | vmdk-delta KiB | qemu-img KiB | seed port KiB | vmdk-delta ÷ qemu-img | vmdk-delta ÷ seed |
|---|---:|---:|---:|---:|---:|""")
    for cap in CAPS:
        v, q, s = (ALLOC[("make", tool, cap)] for tool in ("vmdkdelta", "qemu", "seed"))
        row(cap, kib(v), kib(q), kib(s), ratio(v, q), ratio(v, s))
    va1, val = ALLOC[("make", "vmdkdelta", FIRST)], ALLOC[("make", "vmdkdelta", LAST)]
    qa1, qal = ALLOC[("make", "qemu", FIRST)], ALLOC[("make", "qemu", LAST)]
    sa1, sal = ALLOC[("make", "seed", FIRST)], ALLOC[("make", "seed", LAST)]
    gd1, gdl = 2 * gd_bytes(BYTES[FIRST]), 2 * gd_bytes(BYTES[LAST])
    p(f"""
From {FIRST} to {LAST} the new delta's allocation grew by {kib(val - va1)} KiB for
vmdk-delta, {kib(qal - qa1)} KiB for qemu-img and {kib(sal - sa1)} KiB for the seed
port, while the two grain directories grew by {g((gdl - gd1) / 1024)} KiB. The seed port allocates
every grain table it writes as zeros, so its cost is linear in capacity; vmdk-delta's and
qemu-img's grow only by the grain directories (rounded up to file system blocks).
""")


def report_make_meta():
    p(f"""## make: parents whose grain tables are in use

`make` checks every grain table of the disk it freezes, as `check` does (it refuses a disk
`check` finds damaged), and reads no grain. The parents above are empty, their tables holes;
these are {META_CAPACITY} parents made by `qemu-img create`, then "some-tables": 64 grains written
by qemu-io, one every 32 GiB, each in a table of its own; "full-metadata": every grain table
written with every entry set (the grains themselves left as holes), as far as 32-bit sector
numbers reach, the most metadata a disk of that capacity has. "Parent allocated" is the
parent's allocated size. qemu-img reads no grain table to create its delta.

| parent | parent allocated (MiB) | vmdk-delta ms | --dry-run make ms | qemu-img ms | vmdk-delta ÷ qemu-img |
|---|---:|---:|---:|---:|---:|""")
    for c in META_CASES:
        v, d, q = t("makemeta", "vmdkdelta", c), t("dryrunmeta", "vmdkdelta", c), t("makemeta", "qemu", c)
        row(f"{META_CAPACITY} {c}", mib(ALLOC[("fixture", "meta", c)]), ms3(v), ms3(d), ms3(q),
            ratio(v["median"], q["median"]))
    p(f"""
On the empty {LAST} parent, `--dry-run make` took {ms(median("dryrun", "vmdkdelta", LAST))} ms (table above): the difference is the
cost of reading and checking the tables in use.
""")


def report_delete():
    p("""## delete: whole process

qemu-img has no equivalent of `delete` (dropping a delta and giving the parent the delta's
name back is a `rm` and a `mv` for it, with no checks), so the peer is the seed port only.
Each run starts from a delta made by the same tool.

| capacity | vmdk-delta ms | seed port ms | vmdk-delta ÷ seed |
|---|---:|---:|---:|""")
    for cap in CAPS:
        v, s = t("delete", "vmdkdelta", cap), t("delete", "seed", cap)
        row(cap, ms3(v), ms3(s), ratio(v["median"], s["median"]))
    v1, vl = median("delete", "vmdkdelta", FIRST), median("delete", "vmdkdelta", LAST)
    s1, sl = median("delete", "seed", FIRST), median("delete", "seed", LAST)
    p(f"""
vmdk-delta's `delete` went from {ms(v1)} ms at {FIRST} to {ms(vl)} ms at {LAST} and the seed
port's from {ms(s1)} to {ms(sl)} ms. The seed port reads each disk's whole metadata area to
follow the chain, so its delete grows with capacity; vmdk-delta reads headers, descriptors
and grain directories, checks the chain, journals, renames and fsyncs. JVM start-up alone
({ms(SU)} ms, median over the `make` runs) is {pct(SU, v1)}% of its whole-process `delete` at {FIRST}.
""")


def report_revert():
    p("""## revert: whole process

`bin/vmdk-delta revert p.vmdk` on a delta made by `vmdk-delta make`, against two peers doing the
same job: `qemu-img create -f vmdk -b p.vmdk -F vmdk c.vmdk` run again over qemu's existing
delta (qemu-img truncates and rewrites it: no check, no journal, no fsync), and the seed port's
`delete` then `make` (it has no revert; two processes, timed together). The deltas are empty,
so this is the fixed cost of the operation, not of discarding data.

| capacity | vmdk-delta ms | qemu-img create -b ms | seed port delete + make ms | vmdk-delta ÷ qemu-img | vmdk-delta ÷ seed |
|---|---:|---:|---:|---:|---:|""")
    for cap in CAPS:
        v, q, s = t("revert", "vmdkdelta", cap), t("revert", "qemu", cap), t("revert", "seed", cap)
        row(cap, ms3(v), ms3(q), ms3(s), ratio(v["median"], q["median"]), ratio(v["median"], s["median"]))
    m = {tool: (median("revert", tool, FIRST), median("revert", tool, LAST)) for tool in ("vmdkdelta", "qemu", "seed")}
    p(f"""
From {FIRST} to {LAST}, vmdk-delta's `revert` went from {ms(m["vmdkdelta"][0])} to {ms(m["vmdkdelta"][1])} ms,
qemu-img's from {ms(m["qemu"][0])} to {ms(m["qemu"][1])} ms and the seed port's from {ms(m["seed"][0])} to
{ms(m["seed"][1])} ms. Like `make`, vmdk-delta's `revert` writes a header, a descriptor and two grain
directories, so its cost hardly moves with capacity; with the JVM warm it took
{ms(inproc("revert", FIRST) // 1000)} ms at {FIRST} and {ms(inproc("revert", LAST) // 1000)} ms at {LAST} (in-process table below): the rest of its
whole-process time is the cost of a new JVM, as for `make`. The seed port reads the metadata
area twice and writes zeroed grain tables, so its time grows with capacity.
""")


def report_info():
    first, last = LAYERS[0], LAYERS[-1]
    p(f"""## info: whole process

`bin/vmdk-delta info TOP` against `qemu-img info --backing-chain TOP`, on chains of disks of
{CHAIN_CAPACITY} made by qemu-img, each layer holding 1 MiB of its own data (written by
qemu-io), TOP the newest. "In-process" is `ChainInfo.read` with the JVM warm.

| layers | vmdk-delta ms | qemu-img ms | vmdk-delta ÷ qemu-img | in-process ms |
|---|---:|---:|---:|---:|""")
    for n in LAYERS:
        v, q = t("info", "vmdkdelta", str(n)), t("info", "qemu", str(n))
        row(n, ms3(v), ms3(q), ratio(v["median"], q["median"]), inproc3("info", n))
    span = last - first
    v1, vl = median("info", "vmdkdelta", str(first)), median("info", "vmdkdelta", str(last))
    q1, ql = median("info", "qemu", str(first)), median("info", "qemu", str(last))
    i1, il = inproc("info", first) // 1000, inproc("info", last) // 1000
    p(f"""
From {first} to {last} layers, vmdk-delta's `info` went from {ms(v1)} to {ms(vl)} ms ({ms((vl - v1) // span)} ms per
added layer) and qemu-img's from {ms(q1)} to {ms(ql)} ms ({ms((ql - q1) // span)} ms per layer); with the JVM warm,
`info` took {ms(i1)} to {ms(il)} ms ({ms((il - i1) // span)} ms per layer). Both open every disk of the chain;
vmdk-delta also reads every grain table of every disk to count the allocated grains and
checks each link (parent found, CIDs, capacities), so its cost grows linearly with depth.
At one layer, JVM start-up ({ms(SU)} ms, from the `make` runs) is most of it.
""")


def report_check():
    first, last = DATA[0], DATA[-1]
    p(f"""## check: whole process

`bin/vmdk-delta check p.vmdk` against `qemu-img check -f vmdk p.vmdk`, on a base disk of
{CHAIN_CAPACITY} holding the given amount of data from its first byte on, written by qemu-io
(real allocated grains). The disk is evicted from the page cache before each run. MB/s is the
allocated data covered per second (10^6 bytes); neither tool reads the data itself, only the
metadata that maps it. "In-process" is `ChainCheck.run` with the JVM and page cache warm.

| allocated data | vmdk-delta ms | qemu-img ms | vmdk-delta MB/s | qemu-img MB/s | vmdk-delta ÷ qemu-img | in-process ms |
|---|---:|---:|---:|---:|---:|---:|""")
    for d in DATA:
        v, q = t("check", "vmdkdelta", d), t("check", "qemu", d)
        row(d, ms3(v), ms3(q), mbs(BYTES[d], v["median"]), mbs(BYTES[d], q["median"]),
            ratio(v["median"], q["median"]), inproc3("check", d))
    v1, vl = median("check", "vmdkdelta", first), median("check", "vmdkdelta", last)
    q1, ql = median("check", "qemu", first), median("check", "qemu", last)
    i1, il = inproc("check", first) // 1000, inproc("check", last) // 1000
    if first == last:
        went = (f"With {first} of data, vmdk-delta's `check` took {ms(v1)} ms and qemu-img's {ms(q1)} ms; with the JVM\n"
                f"warm, `check` took {ms(i1)} ms. Both cost in proportion to the")
    else:
        went = (f"From {first} to {last} of data, vmdk-delta's `check` went from {ms(v1)} to {ms(vl)} ms and qemu-img's from\n"
                f"{ms(q1)} to {ms(ql)} ms; with the JVM warm, `check` took {ms(i1)} to {ms(il)} ms. Both cost in proportion to the")
    p(f"""
{went}
grain tables in use (one per 32 MiB of data with 64 KiB grains), not to the bytes of data;
vmdk-delta reads both copies of every table and checks that no two grains overlap. The fixed part of vmdk-delta's time is JVM start-up
({ms(SU)} ms in the `make` runs).
""")


def commit_data(c):
    return BYTES[c.split("-", 1)[0]]


def commit_label(c):
    data, layout = c.split("-", 1)
    return {
        "appended": f"{data} appended",
        "overwritten": f"{data} overwritten in place",
        "scattered": f"{data} scattered ({commit_data(c) // GRAIN} grains, half over the parent's)",
    }[layout]


def report_commit():
    p("""## commit: whole process

`bin/vmdk-delta commit --quiet p.vmdk` against `qemu-img commit -f vmdk p.vmdk` on copies of
the same chain: a delta made by `vmdk-delta make` holding the given amount of data, written by
qemu-io, on a parent of 16 times that capacity. *Appended*: the parent is empty, every grain
is appended to it. *Overwritten in place*: the parent holds the same grains, every one is
overwritten. *Scattered*: grains at random places all over the disk, half of them also in the
parent. Both files are evicted from the page cache before each run. MB/s is the delta's data
(10^6 bytes) merged per second of the whole command. After the timed runs, one more run of each
tool is compared with the chain it started from (`qemu-img compare`): the data is the same.

| delta's data | vmdk-delta ms | qemu-img ms | vmdk-delta MB/s | qemu-img MB/s | vmdk-delta ÷ qemu-img |
|---|---:|---:|---:|---:|---:|""")
    for c in COMMITS:
        v, q, b = t("commit", "vmdkdelta", c), t("commit", "qemu", c), commit_data(c)
        row(commit_label(c), ms3(v), ms3(q), mbs(b, v["median"]), mbs(b, q["median"]),
            ratio(v["median"], q["median"]))
    p("""
What each command read and wrote through system calls (`rchar` and `wchar` of
`/proc/PID/io`, in that untimed run, MiB), and what deleting the delta alone (`rm`, timed the
same way on another copy) costs on this file system: vmdk-delta's `commit` deletes the delta and
its undo log at the end; `qemu-img commit` leaves the delta in place.

| delta's data | vmdk-delta read MiB | vmdk-delta written MiB | qemu-img read MiB | qemu-img written MiB | rm of the delta ms |
|---|---:|---:|---:|---:|---:|""")
    for c in COMMITS:
        v, q = ("commit", "vmdkdelta", c), ("commit", "qemu", c)
        row(commit_label(c), mib(READ[v]), mib(WRITTEN[v]), mib(READ[q]), mib(WRITTEN[q]),
            ms3(t("commit", "rm", c)))
    p("""
Both tools copy only the grains the delta holds, so the time grows with the delta's data, not
with the capacity. Where a grain is appended, both write it once (vmdk-delta reads and writes
runs of adjacent grains, up to 32 MiB at a time). Where a grain is overwritten in place, vmdk-delta first reads the parent's old bytes
and saves them in its undo log, forced, before writing the new ones (so that a commit killed
half-way can be rolled back): it reads and writes each such byte twice, which the I/O table
shows. Its fixed costs are JVM start-up and the final deletion of the delta and the undo log.
""")


def report_in_process():
    p(f"""## In-process, JVM warm

`io.github.vmdkdelta.bench.InProcessBench` (test scope) runs `MakeDelta.run`, `RevertDelta.run`
and `DeleteDelta.run` on each parent, and `ChainInfo.read` and `ChainCheck.run` on the chains
and data disks of the `info` and `check` tables, in one JVM, {ENV["WARMUP"]} times untimed to warm it
up, then {ENV["ITERATIONS"]} times timed with `System.nanoTime`, the disks taking turns; "make: plan
only" is `MakeDelta.plan` (read and check the chain, build the new delta in memory, write
nothing). This is the work without the JVM start-up, with the page cache warm; each make,
revert and delete includes its fsyncs.

| capacity | make: plan only ms | make ms | revert ms | delete ms |
|---|---:|---:|---:|---:|""")
    for cap in CAPS:
        row(cap, inproc3("make-plan", cap), inproc3("make", cap), inproc3("revert", cap), inproc3("delete", cap))
    ip1, ipl = inproc("make", FIRST), inproc("make", LAST)
    pl1, pll = inproc("make-plan", FIRST), inproc("make-plan", LAST)
    vm1 = median("make", "vmdkdelta", FIRST)
    p(f"""
With the JVM warm, `make` took {ms(ip1 // 1000)} ms at {FIRST} and {ms(ipl // 1000)} ms at {LAST}
(×{ratio(ipl, ip1)}), of which planning took {ms(pl1 // 1000)} and {ms(pll // 1000)} ms; the rest is
writing the delta and the journal and the fsyncs, which depend on the device more than on the
capacity. Compared with the whole-process `make` at {FIRST} ({ms(vm1)} ms), the work is
{100 * ip1 / 1000 / vm1:.0f}% of it; the rest is starting the JVM, loading classes and running the
code before the JIT has compiled it. The in-process `info` and `check` figures are in their
own tables above.
""")


def targets():
    why = []
    p("## Targets (issue 7)")
    p()
    p("| target | measured | holds |")
    p("|---|---|---|")
    bad = []
    for cap in CAPS:
        v, q = ALLOC[("make", "vmdkdelta", cap)], ALLOC[("make", "qemu", cap)]
        if v > q:
            bad.append(f"{cap} ({kib(v)} KiB vs {kib(q)} KiB)")
    if not bad:
        row("child allocation at or below qemu-img's at every capacity",
            f"at or below at all {len(CAPS)} capacities measured ({' '.join(CAPS)})", "yes")
    else:
        row("child allocation at or below qemu-img's at every capacity", f"above qemu-img's at {' '.join(bad)}", "**no**")
    if "1TiB" in CAPS:
        v, q = median("make", "vmdkdelta", "1TiB"), median("make", "seed", "1TiB")
        row("`make` whole-process time on 1 TiB at most a quarter of the seed's",
            f"{ms(v)} ms vs {ms(q)} ms: ×{ratio(v, q)}", "yes" if v * 4 <= q else "**no**")
        if v * 4 > q:
            why.append(why_make(v, q))
    else:
        row("`make` whole-process time on 1 TiB at most a quarter of the seed's",
            "not measured (--quick has no 1 TiB disk)", "not measured")
    va1, val = ALLOC[("make", "vmdkdelta", FIRST)], ALLOC[("make", "vmdkdelta", LAST)]
    gd1, gdl = 2 * gd_bytes(BYTES[FIRST]), 2 * gd_bytes(BYTES[LAST])
    ip1, ipl = inproc("make", FIRST), inproc("make", LAST)
    holds = val - va1 <= gdl - gd1 + 2 * BLOCK and ipl <= ip1 * 3 / 2
    row("`make` cost independent of capacity apart from the grain directories",
        f"{FIRST} → {LAST}: allocation +{kib(val - va1)} KiB (grain directories +{g((gdl - gd1) / 1024)} KiB, allowed: that plus two {BLOCK}-byte blocks of rounding); in-process `make` ×{ratio(ipl, ip1)} (allowed: ×1.5)",
        "yes" if holds else "**no**")
    target_check(why)
    target_commit(why)
    for w in why:
        p()
        p(w)
    p()
    p("The criteria are computed by the script from the figures above; `revert` and `info` have")
    p("no target in the issue.")


def why_make(v, q):
    w = inproc("make", "1TiB")
    lines = [
        "Why the 1 TiB `make` target does not hold here: vmdk-delta's whole-process `make` at 1 TiB",
        f"took {ms(v)} ms, of which JVM start-up alone ({ms(SU)} ms) is {pct(SU, v)}%, and the work itself (in-process,",
        f"JVM warm, fsyncs included) {ms(w // 1000)} ms, ×{ratio(w // 1000, q)} of the seed port's whole-process time: the rest",
        "is the JVM's fixed cost (class loading, code run before the JIT compiles it; see \"where",
        "vmdk-delta's whole-process time goes\").",
        "The work alone is within the target: it is missed on the fixed cost of a JVM process."
        if w // 1000 * 4 <= q else "Even the work alone takes more than a quarter of the seed port's time.",
        "The seed port pays no fsync: it leaves its writes (the 128 MiB of grain tables of a 1 TiB",
        "disk, written twice) to the page cache, and the `sync` before each timed command, which",
        "flushes them, is not timed.",
    ]
    return "\n".join(lines)


def target_check(why):
    cells, bad = [], []
    for d in DATA:
        v, q = median("check", "vmdkdelta", d), median("check", "qemu", d)
        cells.append(f"{d}: {mbs(BYTES[d], v)} vs {mbs(BYTES[d], q)} MB/s")
        if v > q:
            bad.append(d)
    row("`check` throughput at least qemu-img's on the same data", "; ".join(cells),
        "yes" if not bad else f"**no** at {' '.join(bad)}")
    for d in bad:
        v, q = median("check", "vmdkdelta", d), median("check", "qemu", d)
        w = inproc("check", d) // 1000
        text = (f"Why the `check` target does not hold at {d}: vmdk-delta took {ms(v)} ms against qemu-img's"
                f" {ms(q)} ms, and JVM start-up alone (`--version`, in the `make` runs) takes {ms(SU)} ms."
                f" The check itself, in-process with the JVM warm, took {ms(w)} ms: ")
        if w <= q:
            text += "less than qemu-img's whole process, so the work keeps up and the fixed cost of starting a JVM is what misses the target."
        else:
            text += "more than qemu-img's whole process; vmdk-delta checks more (both copies of every grain table, every grain against overlaps)."
        why.append(text)


def target_commit(why):
    cells, bad = [], []
    for c in COMMITS:
        v, q, b = median("commit", "vmdkdelta", c), median("commit", "qemu", c), commit_data(c)
        cells.append(f"{commit_label(c)}: {mbs(b, v)} vs {mbs(b, q)} MB/s")
        if v > q:
            bad.append(c)
    row("`commit` throughput at least qemu-img's on the same data", "; ".join(cells),
        "yes" if not bad else "**no** at " + "; ".join(commit_label(c) for c in bad))
    for c in bad:
        v, q = median("commit", "vmdkdelta", c), median("commit", "qemu", c)
        rm = median("commit", "rm", c)
        kv, kq = ("commit", "vmdkdelta", c), ("commit", "qemu", c)
        read_more, written_more = READ[kv] - READ[kq], WRITTEN[kv] - WRITTEN[kq]
        text = (f"Why the `commit` target does not hold for {commit_label(c)}: vmdk-delta took {ms(v)} ms"
                f" against qemu-img's {ms(q)} ms. JVM start-up accounts for {ms(SU)} ms of it, and deleting"
                f" the delta, which qemu-img commit keeps, for about {ms(rm)} ms (the `rm` column).")
        if written_more > 1 << 20:
            text += (f" vmdk-delta also read {mib(read_more)} MiB and wrote {mib(written_more)} MiB more than qemu-img:"
                     " its undo log. Every byte it overwrites in the parent is first read and saved in the log,"
                     " forced to the device, so that a commit killed half-way is rolled back and the snapshot"
                     " is still there; the log is deleted at the end. qemu-img commit keeps no copy: killed"
                     " half-way, it leaves the parent part old, part new (the delta on top still reads right,"
                     " but the snapshot can no longer be gone back to).")
        why.append(text)


header()
report_make()
report_make_meta()
report_delete()
report_revert()
report_info()
report_check()
report_commit()
report_in_process()
targets()
print("\n".join(OUT))
