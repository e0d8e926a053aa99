#!/usr/bin/env python3
"""latentlab-cli system: the CPU, its features and the kernels chosen, as a
user sees them and with a user's own OPENBLAS_CORETYPE."""
import json
import os
import subprocess
import sys

cli = sys.argv[1]


def system(extra_env):
    env = {k: v for k, v in os.environ.items()
           if k not in ("OPENBLAS_CORETYPE", "LATENTLAB_BLAS_KERNELS")}
    env.update(extra_env)
    out = subprocess.run([cli, "system", "--json"], env=env, check=True,
                         capture_output=True, text=True).stdout
    return json.loads(out)


def check(cond, what):
    if not cond:
        print("not ok:", what)
        sys.exit(1)


plain = system({})
check(plain["blas"].startswith("OpenBLAS "), "names the BLAS: %r" % plain["blas"])
check("SSE2" in plain["cpu_features"], "lists the features: %r" % plain["cpu_features"])
check(plain["cores"] >= 1, "counts the cores")
avx512 = "AVX-512 (F, DQ, CD, BW, VL" in plain["cpu_features"]
avx2 = "AVX2" in plain["cpu_features"] and "FMA" in plain["cpu_features"]
expected = "SkylakeX" if avx512 else "Haswell" if avx2 else None
if expected:
    check(plain["kernels"] == expected,
          "features %s give %s, not %s" % (plain["cpu_features"], expected, plain["kernels"]))
    check("CPU's features" in plain["kernels_reason"], plain["kernels_reason"])

user = system({"OPENBLAS_CORETYPE": "Prescott"})
check(user["kernels"] == "Prescott", "a user's OPENBLAS_CORETYPE is respected: %r" % user)
check("from the environment" in user["kernels_reason"], user["kernels_reason"])

version = subprocess.run([cli, "--version"], check=True, capture_output=True, text=True).stdout
check("BLAS: " + plain["blas"] in version and "CPU features:" in version,
      "--version says the same: %r" % version)
print("ok: kernels %s (%s); with OPENBLAS_CORETYPE=Prescott: %s"
      % (plain["kernels"], plain["kernels_reason"], user["kernels"]))
