#!/usr/bin/env python3
"""Every lesson's quick setting end to end on the synthetic digits (the slow
suite): it finishes, its record says so, and its PDF has the pages, figures
and tables the lesson makes."""
import json
import os
import re
import subprocess
import sys
import tempfile

cli = sys.argv[1]
failures = []

# lesson -> (least pages, figures, tables)
expected = {
    "architectures": (3, 4, 3),
    "noise-levels": (3, 7, 2),
    "conv-vs-dense": (2, 2, 2),
    "transfer": (3, 4, 2),
    # the recognition curve, a samples grid per size (10, 100, 1,000), a grid of misses
    # for each size that has any
    "augmentation": (3, (4, 7), 2),
    "own-data": (3, 7, 2),
}


def check(cond, what):
    print(("ok - " if cond else "not ok - ") + what, flush=True)
    if not cond:
        failures.append(what)


with tempfile.TemporaryDirectory() as tmp:
    env = dict(os.environ, XDG_CACHE_HOME=tmp)
    listed = json.loads(subprocess.run([cli, "lesson", "list", "--json"], capture_output=True,
                                       text=True, env=env, check=True).stdout)
    check({l["name"] for l in listed} == set(expected), "every lesson listed is checked here")
    for name, (pages, figures, tables) in expected.items():
        out = os.path.join(tmp, name)
        r = subprocess.run([cli, "lesson", "run", name, "--quick", "--dataset", "synthetic",
                            "--out", out, "--json"], capture_output=True, text=True, env=env)
        check(r.returncode == 0, f"{name}: the quick setting runs ({r.stderr[-300:]})")
        if r.returncode != 0:
            continue
        with open(os.path.join(out, "record.json")) as f:
            record = json.load(f)
        check(record["status"] == "finished" and record["setting"] == "quick", f"{name}: finished")
        with open(os.path.join(out, "report.pdf"), "rb") as f:
            pdf = f.read()
        n_pages = len(re.findall(rb"/Type /Page[^s]", pdf))
        check(n_pages >= pages and n_pages == record["metrics"]["report_pages"],
              f"{name}: {n_pages} pages (at least {pages})")
        least, most = figures if isinstance(figures, tuple) else (figures, figures)
        check(least <= len(record["figures"]) <= most and
              all(os.path.getsize(os.path.join(out, p)) > 1000 for p in record["figures"]),
              f"{name}: {figures} figures as PNG")
        check(len(os.listdir(os.path.join(out, "tables"))) == tables, f"{name}: {tables} tables")
        check(all(v is None or v == v for v in record["metrics"].values()), f"{name}: numbers recorded")

sys.exit(1 if failures else 0)
