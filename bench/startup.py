#!/usr/bin/env python3
"""Whole-process start-up time of vmdk-delta, measured the way a user feels it.

Runs each command N times (after one warm-up round), the commands taking turns so that a
change in the machine's load affects them all alike, and prints, per command, the minimum and
the median wall-clock time and the median CPU time (user + system, of the process and its
children).
On a busy machine the minimum is the best estimate of the time itself and the CPU time shows
the work done whatever the load; the median shows what a user waits on such a machine.

Usage: bench/startup.py [-n N] [--markdown] LABEL=COMMAND ... ; a COMMAND is split at spaces,
and the placeholder {disk} is a fresh copy of a 64 MiB qemu-img disk, made before each run
(outside the timing) in a temporary folder.
"""
import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time


def cpu_of_children():
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def run_once(command, template_disk, folder):
    args = list(command)
    if "{disk}" in " ".join(args):
        os.makedirs(folder)
        disk = os.path.join(folder, "sd0.vmdk")
        shutil.copyfile(template_disk, disk)
        args = [a.replace("{disk}", disk) for a in args]
    cpu0 = cpu_of_children()
    t0 = time.perf_counter()
    p = subprocess.run(args, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                       stderr=subprocess.PIPE)
    t1 = time.perf_counter()
    cpu1 = cpu_of_children()
    if p.returncode != 0:
        sys.exit("failed (exit %d): %s\n%s" % (p.returncode, " ".join(args),
                                               p.stderr.decode(errors="replace")))
    return (t1 - t0) * 1000, (cpu1 - cpu0) * 1000


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("-n", type=int, default=20, help="runs per command (default 20)")
    ap.add_argument("--markdown", action="store_true")
    ap.add_argument("commands", nargs="+", metavar="LABEL=COMMAND")
    a = ap.parse_args()
    work = tempfile.mkdtemp(prefix="vmdk-delta-bench")
    try:
        template = os.path.join(work, "template.vmdk")
        if any("{disk}" in c for c in a.commands):
            subprocess.run(["qemu-img", "create", "-q", "-f", "vmdk", template, "64M"], check=True)
        if a.markdown:
            print("| command | min ms | median ms | median CPU ms |")
            print("|---|---:|---:|---:|")
        specs = [spec.partition("=") for spec in a.commands]
        walls = [[] for _ in specs]
        cpus = [[] for _ in specs]
        for i in range(a.n + 1):  # round 0 only warms the file cache
            for k, (label, _, command) in enumerate(specs):
                wall, cpu = run_once(command.split(), template,
                                     os.path.join(work, "c%d-r%d" % (k, i)))
                if i > 0:
                    walls[k].append(wall)
                    cpus[k].append(cpu)
        for k, (label, _, _) in enumerate(specs):
            lo, med, cpu = min(walls[k]), statistics.median(walls[k]), statistics.median(cpus[k])
            if a.markdown:
                print("| %s | %.0f | %.0f | %.0f |" % (label, lo, med, cpu))
            else:
                print("%-40s min %6.0f ms  median %6.0f ms  CPU %6.0f ms" % (label, lo, med, cpu))
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
