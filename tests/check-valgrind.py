#!/usr/bin/env python3
"""valgrind memcheck on the CLI as a user runs it, on small data (the
built-in synthetic digits): train, eval, embed (PCA with its plot and
manifold, and t-SNE on its threads) and classify (each classifier: the RBF
SVM on the model's latents with its pairs on two threads and the confusion
heatmap, the linear SVM and logistic regression through liblinear on PCA
features, k-NN on the pixels). Each run must end with no invalid read
or write, no use of uninitialised values and "definitely lost: 0 bytes".
Suppressions (tests/valgrind.supp) name what libraries keep on purpose.

usage: check-valgrind.py LATENTLAB_CLI SUPPRESSIONS
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

cli, supp = sys.argv[1], sys.argv[2]
tmp = tempfile.mkdtemp(prefix="latentlab-valgrind-")
model = os.path.join(tmp, "m.safetensors")
runs = [
    ("train", ["train", "--arch", "cae-tiny", "--dataset", "synthetic", "--noise", "gaussian:0.3",
               "--limit", "64", "--epochs", "1", "--batch", "32", "--threads", "2",
               "--validation", "none", "--out", model]),
    ("eval", ["eval", "--model", model, "--dataset", "synthetic", "--limit", "200"]),
    ("embed-pca", ["embed", "--model", model, "--dataset", "synthetic", "--n", "200",
                   "--out", os.path.join(tmp, "pca.csv"), "--plot", os.path.join(tmp, "pca.png"),
                   "--manifold", os.path.join(tmp, "manifold.png")]),
    ("embed-tsne", ["embed", "--model", model, "--dataset", "synthetic", "--n", "120",
                    "--method", "tsne", "--perplexity", "10", "--iterations", "250",
                    "--out", os.path.join(tmp, "tsne.csv")]),
    ("classify-svm-rbf", ["classify", "--model", model, "--dataset", "synthetic", "--classifier", "svm-rbf",
                          "--train", "300", "--test", "100", "--standardize", "--threads", "2",
                          "--confusion", os.path.join(tmp, "confusion.png")]),
    ("classify-svm-linear", ["classify", "--dataset", "synthetic", "--features", "pca:20",
                             "--classifier", "svm-linear", "--train", "300", "--test", "100",
                             "--standardize", "--keep-unconverged"]),
    ("classify-logistic", ["classify", "--dataset", "synthetic", "--features", "pca:20",
                           "--classifier", "logistic", "--train", "300", "--test", "100",
                           "--standardize", "--keep-unconverged", "--json"]),
    ("classify-knn", ["classify", "--dataset", "synthetic", "--features", "pixels",
                      "--classifier", "knn", "--k", "5", "--train", "300", "--test", "100",
                      "--threads", "2"]),
]


def check(name, args):
    """One run under memcheck; True when it is clean."""
    log = os.path.join(tmp, name + ".valgrind")
    cmd = ["valgrind", "--tool=memcheck", "--leak-check=full", "--show-leak-kinds=definite",
           "--errors-for-leak-kinds=definite", "--track-origins=no", "--num-callers=30",
           "--error-exitcode=99", "--suppressions=" + supp, "--log-file=" + log, cli] + args
    start = time.monotonic()
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    seconds = time.monotonic() - start
    text = open(log).read()
    errors = re.search(r"ERROR SUMMARY: (\d+) errors", text)
    lost = re.search(r"definitely lost: ([\d,]+) bytes", text)
    lost_bytes = int(lost.group(1).replace(",", "")) if lost else 0
    invalid = len(re.findall(r"Invalid (read|write)", text))
    uninit = len(re.findall(r"uninitialised", text))
    ok = (proc.returncode == 0 and errors is not None and int(errors.group(1)) == 0
          and lost_bytes == 0 and invalid == 0 and uninit == 0)
    print(f"{name}: exit {proc.returncode}, {errors.group(1) if errors else '?'} errors, "
          f"definitely lost: {lost_bytes} bytes, invalid reads/writes: {invalid}, "
          f"uninitialised: {uninit}, {seconds:.0f} s -> {'ok' if ok else 'FAIL'}")
    if not ok:
        print(proc.stdout)
        print(text[-20000:])
    return ok


try:
    failed = sum(not check(name, args) for name, args in runs)
finally:
    # The logs of a failed run are printed above; nothing stays in /tmp.
    shutil.rmtree(tmp, ignore_errors=True)
sys.exit(1 if failed else 0)
