#!/usr/bin/env python3
"""latentlab-cli export --format pytorch, as a user runs it: its errors name
the file; with Debian's python3-torch (/usr/bin/python3) the exported file's
--check prints the MSE that `eval --noise none` gives on the same IDX images
(to 1e-5), and its training loop runs an epoch that lowers the MSE and
saves a file LatentLab evaluates again. Without PyTorch the exported files
are compiled (py_compile) instead.

  check-cli-export.py LATENTLAB_CLI
"""
import gzip
import json
import os
import py_compile
import random
import struct
import subprocess
import sys
import tempfile

cli = sys.argv[1]
# $LAB_TORCH_PYTHON tries the branch without torch on a machine that has it.
TORCH_PYTHON = os.environ.get("LAB_TORCH_PYTHON", "/usr/bin/python3")
N_IMAGES = 160


def check(cond, what):
    if not cond:
        print("not ok:", what)
        sys.exit(1)


def run(args, ok=True):
    r = subprocess.run(args, capture_output=True, text=True)
    if ok and r.returncode != 0:
        check(False, "%s failed (%d): %s" % (" ".join(args), r.returncode, r.stderr))
    return r


def fails_naming(args, name, what):
    r = run([cli, "export"] + args, ok=False)
    check(r.returncode == 1, "%s: exit status 1, not %d" % (what, r.returncode))
    check(name in r.stderr, "%s: the error names %s: %r" % (what, name, r.stderr))


def write_images(path, n, seed):
    """n 28x28 images of a few bright bars and boxes, gzipped IDX."""
    rng = random.Random(seed)
    data = bytearray(struct.pack(">IIII", 0x803, n, 28, 28))
    for _ in range(n):
        img = bytearray(28 * 28)
        for _ in range(rng.randint(1, 3)):
            y0, x0 = rng.randint(2, 18), rng.randint(2, 18)
            h, w = rng.randint(2, 8), rng.randint(2, 8)
            v = rng.randint(160, 255)
            for y in range(y0, y0 + h):
                for x in range(x0, x0 + w):
                    img[y * 28 + x] = v
        data += img
    with gzip.open(path, "wb") as f:
        f.write(bytes(data))


def eval_mse(model, images):
    out = run([cli, "eval", "--model", model, "--dataset", images, "--noise", "none", "--json"]).stdout
    return json.loads(out)["mse"]


def have_torch():
    return os.access(TORCH_PYTHON, os.X_OK) and run([TORCH_PYTHON, "-c", "import torch"], ok=False).returncode == 0


def main():
    torch = have_torch()
    with tempfile.TemporaryDirectory() as tmp:
        j = lambda *p: os.path.join(tmp, *p)  # noqa: E731
        images = j("bars-images-idx3-ubyte.gz")
        write_images(images, N_IMAGES, 1)

        # Bad input: each error names the file.
        r = run([cli, "export"], ok=False)
        check(r.returncode == 1 and "--model" in r.stderr, "no --model: %r" % r.stderr)
        fails_naming(["--model", j("missing.safetensors")], "missing.safetensors", "a missing model")
        with open(j("corrupt.safetensors"), "wb") as f:
            f.write(b"\x40\x00\x00\x00\x00\x00\x00\x00{not json")
        fails_naming(["--model", j("corrupt.safetensors"), "--out", j("c.py")], "corrupt.safetensors",
                     "a corrupt model")
        check(not os.path.exists(j("c.py")), "a corrupt model writes no code")

        models = {}
        for arch in ["strided-dae", "convae-bn", "vae-conv"]:
            models[arch] = j(arch + ".safetensors")
            run([cli, "train", "--arch", arch, "--dataset", "synthetic", "--limit", "64", "--batch", "32",
                 "--max-steps", "2", "--noise", "gaussian:0.3", "--validation", "none", "--threads", "1",
                 "--out", models[arch]])
        fails_naming(["--model", models["strided-dae"], "--format", "onnx"], "onnx", "an unknown format")
        unwritable = j("no-such-folder", "model.py")
        fails_naming(["--model", models["strided-dae"], "--out", unwritable], unwritable,
                     "an --out in a missing folder")

        # Without --out: NAME.py beside the model, whose file is the weights.
        before = os.stat(models["vae-conv"])
        out = run([cli, "export", "--model", models["vae-conv"]]).stdout
        check(os.path.exists(j("vae-conv.py")) and j("vae-conv.safetensors") in out, out)
        check(os.stat(models["vae-conv"]).st_ino == before.st_ino, "the model file is not written again")
        for arch in ["strided-dae", "convae-bn"]:
            run([cli, "export", "--model", models[arch], "--format", "pytorch", "--out", j(arch + "-export.py")])
            check(os.path.exists(j(arch + "-export.safetensors")), "the weights beside the code")
        exported = {"strided-dae": j("strided-dae-export.py"), "convae-bn": j("convae-bn-export.py"),
                    "vae-conv": j("vae-conv.py")}

        if not torch:
            for py in exported.values():
                py_compile.compile(py, doraise=True)
            print("ok: export errors; the code compiles (no PyTorch at %s to run it)" % TORCH_PYTHON)
            return

        for arch, py in exported.items():
            ours = eval_mse(models[arch], images)
            theirs = json.loads(run([TORCH_PYTHON, py, "--check", images]).stdout)
            check(theirs["images"] == N_IMAGES, "%s --check reads every image: %r" % (arch, theirs))
            check(abs(theirs["mse"] - ours) <= 1e-5, "%s: --check MSE %.9f, eval %.9f" % (arch, theirs["mse"], ours))

        # One short epoch of the exported training loop lowers the MSE, and
        # LatentLab evaluates what it saved.
        more = j("more.safetensors")
        r = run([TORCH_PYTHON, exported["strided-dae"], "--train", images, "--epochs", "1", "--batch", "8",
                 "--lr", "0.003", "--noise", "gaussian:0.2", "--out", more])
        lines = [json.loads(line) for line in r.stdout.splitlines()]
        check(len(lines) == 1 and lines[0]["epoch"] == 1 and lines[0]["train_loss"] > 0, r.stdout)
        start, after = eval_mse(models["strided-dae"], images), eval_mse(more, images)
        check(after < 0.95 * start, "an epoch lowers the MSE from %.5f, not to %.5f" % (start, after))
        print("ok: export errors; --check equals eval for %d models; an epoch takes the MSE from %.4f to %.4f"
              % (len(exported), start, after))


main()
