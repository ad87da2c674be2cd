"""Learning rates on f = x^2: too small (crawls), good (converges), too large (diverges), and a
picture of the three paths.

    PYTHONPATH=build/release/python /usr/bin/python3 examples/python/learning_rates.py [out.png]
"""

import os
import sys
import tempfile

import descent

rates = {"too small": 0.01, "good": 0.4, "too large": 1.05}
for label, lr in rates.items():
    r = descent.minimize("x^2", x0={"x": 1.0}, method=f"gd(lr={lr})", steps=30)
    print(f"lr = {lr:<5} ({label:>9}): x = {r.x[0]: .3e} after {r.nit} steps, {r.reason}")
    if label == "good":
        assert r.success
    if label == "too large":
        assert abs(r.x[0]) > 1  # every step overshoots further: |1 - 2 lr| > 1

out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(tempfile.mkdtemp(), "learning_rates.png")
descent.plot("x^2 + y^2", optimizers=[f"gd(lr={lr})" for lr in rates.values()],
             at={"x": 1.0, "y": 0.5}, steps=30, out=out)
print(f"picture: {out}")
assert os.path.getsize(out) > 0
