#!/usr/bin/env python3
"""latentlab-cli lesson list / run / reproduce, as a user runs them."""
import json
import os
import subprocess
import sys
import tempfile

cli = sys.argv[1]
env = dict(os.environ)
failures = []


def run(*args):
    return subprocess.run([cli, *args], capture_output=True, text=True, env=env, timeout=600)


def check(cond, what):
    print(("ok - " if cond else "not ok - ") + what)
    if not cond:
        failures.append(what)


with tempfile.TemporaryDirectory() as tmp:
    env["XDG_CACHE_HOME"] = tmp

    r = run("lesson", "list", "--json")
    lessons = json.loads(r.stdout)
    names = [l["name"] for l in lessons]
    check(r.returncode == 0 and {"noise-levels", "conv-vs-dense", "own-data"} <= set(names),
          "lesson list names the lessons")
    check(all(l["quick_minutes"] < l["full_minutes"] and l["teaches"] for l in lessons),
          "each lesson says what it teaches and its quick and full times")

    r = run("lesson", "run", "no-such-lesson")
    check(r.returncode == 1 and "no lesson “no-such-lesson”" in r.stderr and "noise-levels" in r.stderr,
          "an unknown lesson is refused with the known ones")

    r = run("lesson", "run", "own-data")
    check(r.returncode == 1 and "dataset of your choice" in r.stderr,
          "own-data without a dataset says to name one")

    out = os.path.join(tmp, "run")
    pdf = os.path.join(tmp, "handout.pdf")
    r = run("lesson", "run", "conv-vs-dense", "--dataset", "synthetic", "--max-images", "80",
            "--max-epochs", "1", "--threads", "1", "--out", out, "--report", pdf, "--json")
    check(r.returncode == 0, "conv-vs-dense runs: " + r.stderr[-300:])
    if r.returncode == 0:
        result = json.loads(r.stdout)
        check(result["dir"] == out and not result["cached"], "the run's folder is the one asked for")
        check(set(result["metrics"]) >= {"cae-tiny/test_psnr", "stacked/test_mse", "deep-dense/test_bce"},
              "the metrics of the three models")
        with open(pdf, "rb") as f:
            check(f.read(5) == b"%PDF-", "--report copies the PDF")
        check(not any(n.endswith(".partial") for n in os.listdir(tmp)), "no partial file left")

        r = run("lesson", "reproduce", os.path.join(out, "record.json"), "--json")
        rep = json.loads(r.stdout) if r.returncode in (0, 2) else {}
        check(r.returncode == 0 and rep.get("match") is True and len(rep["metrics"]) == len(result["metrics"]),
              "the run record reproduces every number with one thread")

    r = run("lesson", "reproduce", os.path.join(tmp, "missing.json"))
    check(r.returncode == 1 and "missing.json" in r.stderr, "a missing record is named")

sys.exit(1 if failures else 0)
