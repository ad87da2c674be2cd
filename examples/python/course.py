"""The course's examples from Python: a gradient at a point, and gradient descent step by step.

Run from the repository root after building:
    PYTHONPATH=build/release/python /usr/bin/python3 examples/python/course.py
"""

import descent

# The gradient of f = 3x^2 y + zy - x at (1, 1, 1) is (5, 4, 1).
f, g = descent.grad("3*x^2*y + z*y - x", at={"x": 1, "y": 1, "z": 1})
print(f"f = {f:g}, gradient = {g}")
for name, formula in zip("xyz", descent.gradient_formulas("3*x^2*y + z*y - x", list("xyz"))):
    print(f"  df/d{name} = {formula}")
assert g.tolist() == [5.0, 4.0, 1.0]

# Gradient descent with lr 0.1 on 3x^2 + y^2 from (1, 1): (0.4, 0.8), then (0.16, 0.64).
r = descent.minimize("3*x^2 + y^2", x0={"x": 1, "y": 1}, method="gd(lr=0.1)", steps=2, trace=True)
print("step      x      y       f")
for p in r.trace:
    print(f"{p['step']:4d} {p['x'][0]:6.3g} {p['x'][1]:6.3g} {p['fun']:7.4g}")
assert abs(r.x[0] - 0.16) < 1e-15 and abs(r.x[1] - 0.64) < 1e-15
print(r.message)
