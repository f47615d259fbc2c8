#!/usr/bin/env python3
"""Runs RLWEBenchmark and the SEAL peer side by side in --lockstep mode and alternates them operation by
operation: for each operation both programs have, ours measures it (the fastest of its repetitions), then
SEAL, and so on for --rounds rounds, before either goes on. Operations only one side has (our inverse NTT,
serialisation, the polynomial product and NTL's) run --rounds times alone.

On a virtual machine whose speed drifts by tens of per cent over seconds, the two sides of a pair are
measured within about a second of each other, and both programs run on the same CPU (--cpu, default the
first one this driver may use). Left to the scheduler, each program stayed on its own virtual CPU, and on
the 2-core build machine one side could measure every round of an operation 1.2-1.5x slower than its own
undisturbed time while the other side did not; on one CPU, repeated runs agree on the ratios to about 0.05.
The table gives, per operation, the smallest time of each side over the rounds, their ratio, and the median
over the rounds of the paired ratio (ours / SEAL of the same round).

Usage: interleave.py --rounds R [--cpu C] -- OURS_COMMAND... -- PEER_COMMAND...
Prints every measurement on standard error as it comes ("<side> <op> <N> <microseconds>") and the table on
standard output.
"""
import argparse
import os
import statistics
import subprocess
import sys

ONE_SIDED = {"ntt_inverse", "poly_mul", "ntl_poly_mul", "serialize"}


class Side:
    def __init__(self, name, command, cpu):
        self.name = name
        self.proc = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, bufsize=1,
                                     preexec_fn=lambda: os.sched_setaffinity(0, {cpu}))
        self.pending = None  # (op, n) the program waits to measure, None at the end
        self.results = {}  # (op, n) -> [microseconds per round]
        self.advance()

    def advance(self):
        """Reads until the next "ready" line (recording result lines on the way) or the end of output."""
        for line in self.proc.stdout:
            fields = line.split()
            if len(fields) == 3 and fields[0] == "ready":
                self.pending = (fields[1], fields[2])
                return
            if len(fields) != 3:
                sys.exit(f"{self.name}: unexpected output line {line!r}")
            self.record(fields)
        self.pending = None
        if self.proc.wait() != 0:
            sys.exit(f"{self.name} exited with status {self.proc.returncode}")

    def record(self, fields):
        op, n, value = fields[0], fields[1], float(fields[2])
        self.results.setdefault((op, n), []).append(value)
        print(f"{self.name:5} {op} {n} {value:.2f}", file=sys.stderr, flush=True)

    def run_once(self):
        self.proc.stdin.write("run\n")
        fields = self.proc.stdout.readline().split()
        if len(fields) != 3 or (fields[0], fields[1]) != self.pending:
            sys.exit(f"{self.name}: expected the result of {self.pending}, got {fields}")
        self.record(fields)
        again = self.proc.stdout.readline().split()  # the program waits again on the same operation
        if again != ["ready", *self.pending]:
            sys.exit(f"{self.name}: expected to wait again on {self.pending}, got {again}")

    def next(self):
        self.proc.stdin.write("next\n")
        self.advance()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--cpu", type=int, default=min(os.sched_getaffinity(0)))
    ap.add_argument("commands", nargs=argparse.REMAINDER)
    a = ap.parse_args()
    words = a.commands
    if words[:1] == ["--"]:
        words = words[1:]
    if "--" not in words:
        sys.exit("usage: interleave.py --rounds R [--cpu C] -- OURS_COMMAND... -- PEER_COMMAND...")
    split = words.index("--")
    print(f"both programs on CPU {a.cpu}", file=sys.stderr)
    ours = Side("ours", words[:split], a.cpu)
    seal = Side("SEAL", words[split + 1 :], a.cpu)
    while ours.pending or seal.pending:
        if ours.pending and ours.pending == seal.pending:
            for _ in range(a.rounds):
                ours.run_once()
                seal.run_once()
            ours.next()
            seal.next()
            continue
        # Only one side has this operation: it must be one of ours alone, else the orders disagree.
        if ours.pending and ours.pending[0] in ONE_SIDED:
            for _ in range(a.rounds):
                ours.run_once()
            ours.next()
            continue
        sys.exit(f"the programs disagree on the next operation: ours {ours.pending}, SEAL {seal.pending}")
    print_table(ours.results, seal.results)


def print_table(ours, seal):
    print(f"{'operation':28} {'N':>6} {'ours':>12} {'SEAL':>12} {'ours/SEAL':>10} {'paired':>7}")
    for (op, n), values in ours.items():
        if op == "ntl_poly_mul":
            continue
        a = min(values)
        unit = "B" if op.startswith("ciphertext_bytes") else "us"
        if op == "poly_mul":
            b = min(ours[("ntl_poly_mul", n)])
            print(f"{op:28} {n:>6} {a:>10.1f}{unit} {b:>10.1f}us {a / b:>10.2f} {'':>7}  (peer: NTL zz_pX)")
            continue
        peer = seal.get((op, n))
        if peer is None:
            print(f"{op:28} {n:>6} {a:>10.1f}{unit} {'-':>12} {'-':>10} {'-':>7}")
            continue
        b = min(peer)
        paired = statistics.median(x / y for x, y in zip(values, peer))
        print(f"{op:28} {n:>6} {a:>10.1f}{unit} {b:>10.1f}{unit} {a / b:>10.2f} {paired:>7.2f}")


if __name__ == "__main__":
    main()
