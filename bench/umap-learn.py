#!/usr/bin/python3
"""umap-learn's UMAP on the points bench-umap gives it, for the benchmark.

  /usr/bin/python3 umap-learn.py IN.f32 N DIM OUT.f32

IN.f32 holds N x DIM float32 values (the same PCA-50 rows bench-umap embeds).
UMAP(n_neighbors=15, min_dist=0.1, n_components=2) with its defaults otherwise
(spectral start, approximate neighbours by pynndescent, numba on every core; no
random_state, which would make it run on one thread). It first embeds some of the
rows (4,500 of them: umap-learn finds the neighbours of 4,096 points or more with
pynndescent, whose numba code compiles then too) so that numba's compilation is
timed apart ("warmup_seconds"), then all N
("seconds", fit_transform only). Writes the N x 2 layout as float32 to OUT.f32
and one JSON line.
"""
import json
import sys
import time

import numba
import numpy as np
import umap


def main():
    path, n, dim, out = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
    x = np.fromfile(path, dtype=np.float32).reshape(n, dim)
    t0 = time.perf_counter()
    umap.UMAP(n_neighbors=15, min_dist=0.1).fit_transform(x[: min(n, 4500)])
    warmup = time.perf_counter() - t0
    reducer = umap.UMAP(n_neighbors=15, min_dist=0.1)
    t0 = time.perf_counter()
    cpu0 = time.process_time()
    y = reducer.fit_transform(x)
    seconds = time.perf_counter() - t0
    cpu = time.process_time() - cpu0
    y.astype(np.float32).tofile(out)
    print(json.dumps(dict(seconds=round(seconds, 3), cpu_seconds=round(cpu, 3),
                          warmup_seconds=round(warmup, 3), umap=umap.__version__,
                          numba=numba.__version__, threads=str(numba.get_num_threads()))),
          flush=True)


if __name__ == "__main__":
    main()
