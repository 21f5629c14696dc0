#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
"""Join perf's samples of sloprobe's programs with their line tables (bench/prog_profile.sh).

Usage: prog_profile.py WORK LINES < program names

WORK holds `samples` (perf script -F ip,sym,symoff of call chains, a blank line between
samples), and per program NAME.bin (its functions' JIT images), NAME.funcs and NAME.lines
(their addresses, and "ADDRESS XLATED_INSN" per line-info record, from bench/jit_lines) and
NAME.xlated (bpftool prog dump xlated linum). For each program, with the subprograms it calls
(each program has its own copy of them): its share of all samples, by function, its LINES
busiest source lines, and the instructions most samples landed on, each with the one before
it, which is what a timer sample's skid usually charges. Then the kernel code the program
called (helpers such as map lookups and user-memory reads, and what they call), by the
function the sample landed in: the JIT image holds none of it, and bpf_stats counts it all.
"""
import bisect
import collections
import re
import subprocess
import sys


def line_table(path):
    """Ascending kernel addresses and the translated instruction whose line starts at each."""
    rows = sorted((int(addr, 16), int(insn)) for addr, insn in (l.split() for l in open(path)))
    return [r[0] for r in rows], [r[1] for r in rows]


def functions(path):
    """The program's functions: (address, length, offset in its image), the program's first."""
    return [(int(a, 16), int(n), int(o)) for a, n, o in (l.split() for l in open(path))]


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


BPF_FRAME = re.compile(r"^\s*([0-9a-f]+)\s+bpf_prog_[0-9a-f]+_(\w+)\+0x")
KERNEL_FRAME = re.compile(r"^\s*[0-9a-f]+\s+([\w.]+)\+0x")


def chains(path):
    """Each sample's frames, leaf first, as perf script printed them."""
    frames = []
    for line in open(path):
        if line.strip():
            frames.append(line)
        elif frames:
            yield frames
            frames = []
    if frames:
        yield frames


def bpf_samples(path):
    """(address, function name) of each sample in a BPF program; (address, function name,
    kernel function) of each sample in kernel code a BPF program called, by its nearest BPF
    frame; and all samples' count."""
    inside, called, total = [], [], 0
    for frames in chains(path):
        total += 1
        m = BPF_FRAME.search(frames[0])
        if m:
            inside.append((int(m.group(1), 16), m.group(2)))
            continue
        leaf = KERNEL_FRAME.search(frames[0])
        caller = next((c for c in map(BPF_FRAME.search, frames[1:]) if c), None)
        if leaf and caller:
            called.append((int(caller.group(1), 16), caller.group(2), leaf.group(1)))
    return inside, called, total


def report_called(name, called, inside, total):
    """@called: the kernel functions this program's samples outside its images landed in."""
    count = len(called)
    print(f"  kernel code it called: {count} samples, {100 * count / max(total, 1):.2f}% of the"
          f" machine's, {100 * count / max(count + inside, 1):.1f}% of the program's with it")
    if count:
        by_func = collections.Counter(called)
        print("  by function: " + ", ".join(f"{f} {100 * n / count:.1f}%"
                                            for f, n in by_func.most_common(10)))


def report(work, name, samples, total, nlines):
    """@samples: (address, function) of each sample inside this program's functions."""
    addrs, insns = line_table(f"{work}/{name}.lines")
    funcs = functions(f"{work}/{name}.funcs")
    source = source_of_insns(f"{work}/{name}.xlated")
    code = disassembly(f"{work}/{name}.bin")
    code_offsets = sorted(code)
    count = len(samples)
    print(f"\n{name} and its subprograms: {count} samples, {100 * count / max(total, 1):.2f}% of"
          " the machine's")
    if not count:
        return
    by_func = collections.Counter(f for _, f in samples)
    print("  by function: " + ", ".join(f"{f} {100 * n / count:.1f}%"
                                        for f, n in by_func.most_common()))
    by_line, by_insn = collections.Counter(), collections.Counter()
    for ip, func in samples:
        i = bisect.bisect_right(addrs, ip) - 1
        by_line[source.get(insns[i], "?") if i >= 0 else "(entry)"] += 1
        base, _, image_off = next(f for f in funcs if f[0] <= ip < f[0] + f[1])
        by_insn[(func, image_off + ip - base, ip - base)] += 1
    print("  share  source line")
    for line, n in by_line.most_common(nlines):
        print(f"  {100 * n / count:5.1f}%  {line}")
    print("  share  function+offset  instruction before the sample  ->  sampled")
    for (func, off, func_off), n in by_insn.most_common(5):
        i = bisect.bisect_left(code_offsets, off)
        before = code.get(code_offsets[i - 1], "?") if i > 0 else "(entry)"
        where = f"{func}+0x{func_off:x}"
        print(f"  {100 * n / count:5.1f}%  {where[:28]:28}  {before[:36]:36}  ->  "
              f"{code.get(off, '?')[:30]}")


def main():
    work, nlines = sys.argv[1], int(sys.argv[2])
    samples, called, total = bpf_samples(f"{work}/samples")
    names = [l.strip() for l in sys.stdin if l.strip()]
    ranges = [(a, a + n, name) for name in names for a, n, _ in functions(f"{work}/{name}.funcs")]

    def owner(ip):
        return next((name for lo, hi, name in ranges if lo <= ip < hi), None)

    owned, owned_called = collections.defaultdict(list), collections.defaultdict(list)
    for ip, func in samples:
        owned[owner(ip)].append((ip, func))
    for ip, _, kernel_func in called:
        owned_called[owner(ip)].append(kernel_func)
    for name in names:
        report(work, name, owned.get(name, []), total, nlines)
        report_called(name, owned_called.get(name, []), len(owned.get(name, [])), total)
    by_symbol = collections.Counter(f for _, f in samples)
    print("\nall BPF functions, % of the machine's samples (a subprogram summed over the programs"
          " that call it): " + ", ".join(f"{n} {100 * c / max(total, 1):.2f}"
                                        for n, c in by_symbol.most_common()))


if __name__ == "__main__":
    main()
