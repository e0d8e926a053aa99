#!/usr/bin/python3
"""Optional cross-check of LatentLab's model files against PyTorch.

Not part of `meson test` (it needs python3-torch and MNIST). For each
architecture it trains a LatentLab model for a few steps, loads the
.safetensors file with a minimal reader (no `safetensors` package needed)
into the matching nn.Sequential of shared/reference/torch_ref.py with
load_state_dict(strict=True), and compares the test MSE/BCE that PyTorch
computes with those `latentlab-cli eval` reports on the same images.

  /usr/bin/python3 tests/check-safetensors-torch.py [BUILD_DIR/src/cli/latentlab-cli]

Env: TORCH_REF (default /work/shared/reference), MNIST_DIR.
Exits non-zero on any mismatch.
"""
import json
import os
import struct
import subprocess
import sys
import tempfile

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.environ.get("TORCH_REF", "/work/shared/reference"))
import torch_ref  # noqa: E402
from idx import load_dataset  # noqa: E402

DTYPES = {"F32": torch.float32, "F64": torch.float64, "I64": torch.int64,
          "I32": torch.int32, "F16": torch.float16, "U8": torch.uint8}
ARCHS = ["dae_keras32", "convae_bn", "stacked", "cae_tiny", "strided_dae"]
N_TEST = 500


def read_safetensors(path):
    """(tensors, metadata) from a .safetensors file."""
    with open(path, "rb") as f:
        data = f.read()
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + n])
    meta = header.pop("__metadata__", {})
    body = data[8 + n:]
    tensors = {}
    for name, t in header.items():
        a, b = t["data_offsets"]
        buf = bytearray(body[a:b])
        x = torch.frombuffer(buf, dtype=DTYPES[t["dtype"]]) if b > a else torch.zeros(0)
        tensors[name] = x.reshape(t["shape"]).clone()
    return tensors, meta


def main():
    cli = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        os.path.dirname(__file__), "..", "build", "src", "cli", "latentlab-cli")
    _, _, xte, _ = load_dataset("mnist")
    x = torch.from_numpy(xte[:N_TEST].copy()).float().div_(255).unsqueeze(1)
    failures = 0
    with tempfile.TemporaryDirectory() as tmp:
        for arch in ARCHS:
            path = os.path.join(tmp, arch + ".safetensors")
            preset = arch.replace("_", "-")
            subprocess.run([cli, "train", "--arch", preset, "--dataset", "mnist", "--limit", "2000",
                            "--batch", "64", "--max-steps", "5", "--validation", "none",
                            "--out", path], check=True, stdout=subprocess.DEVNULL)
            ours = json.loads(subprocess.run(
                [cli, "eval", "--model", path, "--dataset", "mnist", "--limit", str(N_TEST),
                 "--noise", "none", "--json"], check=True, capture_output=True, text=True).stdout)

            tensors, meta = read_safetensors(path)
            spec = json.loads(meta["spec"])
            model = torch_ref.ARCHS[arch][0]()
            model.load_state_dict(tensors, strict=True)
            model.eval()
            with torch.no_grad():
                out = model(x)
            mse = F.mse_loss(out, x).item()
            bce = F.binary_cross_entropy(out, x).item()
            ok = abs(mse - ours["mse"]) <= 1e-5 * max(1.0, mse) and abs(bce - ours["bce"]) <= 1e-4
            failures += not ok
            print(f"{arch:12s} {len(tensors):3d} tensors, spec '{spec['name']}', "
                  f"format {meta.get('format')}: torch mse {mse:.7f} bce {bce:.6f} | "
                  f"latentlab mse {ours['mse']:.7f} bce {ours['bce']:.6f}  "
                  f"{'OK' if ok else 'MISMATCH'}")
    print("all match" if failures == 0 else f"{failures} mismatches")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
