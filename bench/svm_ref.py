#!/usr/bin/python3
"""scikit-learn's SVC on the features bench-svm wrote, for its comparison.

    svm_ref.py FILE N_TRAIN N_TEST DIM C

FILE holds float32 train features (N_TRAIN, DIM), uint8 train labels,
float32 test features (N_TEST, DIM), uint8 test labels, back to back.
Prints one JSON line: fit and predict seconds, accuracy, support vectors.
SVC(kernel='rbf', C=C, gamma='scale'), scikit-learn's defaults otherwise
(tol 1e-3, cache_size 200, shrinking): what seed 001 ran."""
import json
import sys
import time

import numpy as np
from sklearn.svm import SVC

path, n, m, d, c = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), float(sys.argv[5])
raw = open(path, "rb").read()
off = 0
x = np.frombuffer(raw, np.float32, n * d, off).reshape(n, d); off += 4 * n * d
y = np.frombuffer(raw, np.uint8, n, off); off += n
tx = np.frombuffer(raw, np.float32, m * d, off).reshape(m, d); off += 4 * m * d
ty = np.frombuffer(raw, np.uint8, m, off)

svc = SVC(kernel="rbf", C=c, gamma="scale")
t0, c0 = time.perf_counter(), time.process_time()
svc.fit(x, y)
t1, c1 = time.perf_counter(), time.process_time()
p = svc.predict(tx)
t2, c2 = time.perf_counter(), time.process_time()
print(json.dumps({"fit": t1 - t0, "predict": t2 - t1, "accuracy": float((p == ty).mean()),
                  "cpu_fit": c1 - c0, "cpu_predict": c2 - c1,
                  "n_support": int(svc.support_.shape[0]), "gamma": float(svc._gamma)}))
