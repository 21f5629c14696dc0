#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
"""Join perf's samples of sloprobe's programs with their line tables (bench/prog_profile.sh).

Usage: prog_profile.py WORK LINES < program names

WORK holds `samples` (perf script -F ip,sym,symoff), and per program NAME.bin (its JIT image),
NAME.lines ("JIT_OFFSET XLATED_INSN" per line-info record, from bench/jit_lines) and
NAME.xlated (bpftool prog dump xlated linum). For each program: its share of all samples, its
LINES busiest source lines, and the instructions most samples landed on, each with the one
before it, which is what a timer sample's skid usually charges.
"""
import bisect
import collections
import re
import subprocess
import sys


def line_table(path):
    """Ascending JIT offsets and the translated instruction each starts."""
    rows = sorted((int(off, 16), int(insn)) for off, insn in (l.split() for l in open(path)))
    return [r[0] for r in rows], [r[1] for r in rows]


def source_of_insns(path):
    """Translated instruction -> the source line bpftool printed above it."""
    out, source = {}, "?"
    for line in open(path):
        text = line.strip()
        if text.startswith(";"):
            m = re.search(r"\[file:(\S+) line_num:(\d+)", text)
            code = text[1:].split(" [file:")[0].strip()
            where = f"{m.group(1).rsplit('/', 1)[-1]}:{m.group(2)}" if m else "?"
            source = f"{where}  {code}"[:110]
            continue
        m = re.match(r"(\d+):", text)
        if m:
            out[int(m.group(1))] = source
    return out


def disassembly(path):
    """JIT offset -> instruction text, ascending."""
    text = subprocess.run(["objdump", "-b", "binary", "-m", "i386:x86-64", "-D", path],
                          capture_output=True, text=True, check=True).stdout
    out = {}
    for line in text.splitlines():
        m = re.match(r"\s*([0-9a-f]+):\s+(?:[0-9a-f]{2} )+\s*(.*)", line)
        if m:
            out[int(m.group(1), 16)] = " ".join(m.group(2).split())
    return out


def samples_by_program(path):
    per_prog, total = collections.defaultdict(collections.Counter), 0
    for line in open(path):
        total += 1
        m = re.search(r"bpf_prog_[0-9a-f]+_(\w+)\+0x([0-9a-f]+)", line)
        if m:
            per_prog[m.group(1)][int(m.group(2), 16)] += 1
    return per_prog, total


def report(work, name, samples, total, nlines):
    offsets, insns = line_table(f"{work}/{name}.lines")
    source = source_of_insns(f"{work}/{name}.xlated")
    code = disassembly(f"{work}/{name}.bin")
    code_offsets = sorted(code)
    count = sum(samples.values())
    print(f"\n{name}: {count} samples, {100 * count / max(total, 1):.2f}% of the machine's")
    if not count:
        return
    by_line = collections.Counter()
    for off, n in samples.items():
        i = bisect.bisect_right(offsets, off) - 1
        by_line[source.get(insns[i], "?") if i >= 0 else "(entry)"] += n
    print("  share  source line")
    for line, n in by_line.most_common(nlines):
        print(f"  {100 * n / count:5.1f}%  {line}")
    print("  share  JIT offset  instruction before the sample  ->  sampled")
    for off, n in samples.most_common(5):
        i = bisect.bisect_left(code_offsets, off)
        before = code.get(code_offsets[i - 1], "?") if i > 0 else "(entry)"
        print(f"  {100 * n / count:5.1f}%  +0x{off:<8x}  {before[:40]:40}  ->  {code.get(off, '?')[:30]}")


def main():
    work, nlines = sys.argv[1], int(sys.argv[2])
    per_prog, total = samples_by_program(f"{work}/samples")
    for name in (l.strip() for l in sys.stdin if l.strip()):
        report(work, name, per_prog.get(name, collections.Counter()), total, nlines)
    others = {n: sum(c.values()) for n, c in per_prog.items()}
    print("\nall BPF program symbols, % of the machine's samples: " +
          ", ".join(f"{n} {100 * c / max(total, 1):.2f}" for n, c in
                    sorted(others.items(), key=lambda kv: -kv[1])))


if __name__ == "__main__":
    main()
