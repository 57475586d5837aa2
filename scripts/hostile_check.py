#!/usr/bin/env python3
"""hostile_check.py [PROTOCOL...]: the crate's copy of the hostile sets through `dissect`.

Runs every row of tests/hostile/<protocol>.tsv through `cargo run --example dissect --
<protocol> <context>` and prints each row whose result differs from its `expect` column
(accept: `ok <whole length>`; reject: `error ...`; incomplete: `incomplete ...`), then one
line per protocol. Exit 1 when any row differs. Run from the crate root.
"""
import subprocess, sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def rows(path):
    header, out = None, []
    for line in path.read_text().splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        cols = line.split("\t")
        if header is None:
            header = cols
        else:
            out.append(dict(zip(header, cols)))
    return out


def main():
    wanted = sys.argv[1:]
    build = subprocess.run(["cargo", "build", "-q", "--example", "dissect"], cwd=ROOT)
    if build.returncode != 0:
        print("hostile_check: the dissect example does not build")
        return 1
    binary = ROOT / "target" / "debug" / "examples" / "dissect"
    bad = 0
    for tsv in sorted((ROOT / "tests" / "hostile").glob("*.tsv")):
        proto = tsv.stem
        if wanted and proto not in wanted:
            continue
        good, all_rows = 0, rows(tsv)
        by_context = {}
        for r in all_rows:
            by_context.setdefault(r["context"], []).append(r)
        for ctx, group in by_context.items():
            p = subprocess.run([str(binary), proto] + ctx.split(), input="\n".join(r["hex"] for r in group) + "\n",
                               capture_output=True, text=True, timeout=120)
            lines = [l for l in p.stdout.splitlines() if l.strip()]
            if p.returncode != 0 or len(lines) != len(group):
                print(f"{proto} [{ctx}]: dissect failed (exit {p.returncode}): {p.stderr.strip()[-300:]}")
                bad += len(group)
                continue
            for r, line in zip(group, lines):
                expect, n = r["expect"], len(r["hex"]) // 2
                ok = (expect == "accept" and line.split()[:2] == ["ok", str(n)]) or \
                     (expect == "reject" and line.startswith("error")) or \
                     (expect == "incomplete" and line.startswith("incomplete"))
                if ok:
                    good += 1
                else:
                    bad += 1
                    print(f"{r['id']} [{ctx}] expect {expect}, got: {line[:140]}  ({r['what']})")
        print(f"{proto}: {good}/{len(all_rows)} rows as expected")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
