#!/usr/bin/python3
"""scikit-learn's t-SNE on the points bench-tsne gives it, for the benchmark.

  /usr/bin/python3 tsne-sklearn.py IN.f32 N DIM OUT.f32 [METHOD]

IN.f32 holds N x DIM float32 values (the same PCA-50 rows bench-tsne embeds);
TSNE(2, perplexity 30, init="pca", learning_rate="auto", method METHOD
(barnes_hut), 1000 iterations, random_state 0), as shared/reference/tsne_ref.py
runs it. Writes the N x 2 layout as float32 to OUT.f32 and one JSON line:
seconds (fit_transform only), kl_divergence (scikit-learn's own), n_iter.
"""
import json
import sys
import time

import numpy as np
import sklearn
from sklearn.manifold import TSNE


def main():
    path, n, dim, out = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
    method = sys.argv[5] if len(sys.argv) > 5 else "barnes_hut"
    x = np.fromfile(path, dtype=np.float32).reshape(n, dim)
    ts = TSNE(2, perplexity=30, init="pca", learning_rate="auto", method=method,
              random_state=0)
    t0 = time.perf_counter()
    cpu0 = time.process_time()
    y = ts.fit_transform(x)
    seconds = time.perf_counter() - t0
    cpu = time.process_time() - cpu0
    y.astype(np.float32).tofile(out)
    print(json.dumps(dict(seconds=round(seconds, 3), cpu_seconds=round(cpu, 3),
                          kl_divergence=float(ts.kl_divergence_), n_iter=int(ts.n_iter_),
                          method=method, sklearn=sklearn.__version__)), flush=True)


if __name__ == "__main__":
    main()
