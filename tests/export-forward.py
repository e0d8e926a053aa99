#!/usr/bin/python3
"""Runs files written by LatentLab's PyTorch export in one interpreter
(PyTorch loads once): for each PY IMAGES OUT it loads PY as a module and
calls its main(["--forward", IMAGES, "--out", OUT]), which writes the
model's outputs for those images as raw float32. test-export-pytorch
compares them with LatentLab's.

  /usr/bin/python3 export-forward.py PY IMAGES OUT [PY IMAGES OUT ...]
"""
import importlib.util
import sys


def main():
    args = sys.argv[1:]
    if not args or len(args) % 3:
        sys.exit(__doc__)
    for i in range(0, len(args), 3):
        py, images, out = args[i:i + 3]
        spec = importlib.util.spec_from_file_location("exported%d" % (i // 3), py)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        module.main(["--forward", images, "--out", out])


if __name__ == "__main__":
    main()
