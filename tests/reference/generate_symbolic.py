#!/usr/bin/python3
"""Reference fixtures for the symbolic module: random formulas in descent's syntax with SymPy's
value, gradient and Hessian at a point. Writes symbolic_fixtures.json (a list of objects with keys
formula, variables, point, value, grad, hessian; point/grad/hessian in the order of variables).

Run: /usr/bin/python3 tests/reference/generate_symbolic.py   (fixed seed; deterministic)
Domains are kept finite by construction (log(1 + a^2), asin(tanh(a)/2), ...) and by rejecting
points where a value or derivative is huge or a kink (abs, min, max) is too close.
"""
import json
import os
import random

import sympy as sp

SEED = 20261123
COUNT = 160
MAX_DEPTH = 4
NAMES = ["x", "y", "z"]
SYMBOLS = {n: sp.Symbol(n, real=True) for n in NAMES}
UNARY = ["sin", "cos", "tan", "asin", "acos", "atan", "sinh", "cosh", "tanh", "exp", "log",
         "sqrt", "abs", "sigmoid", "softplus"]
BINARY_CALLS = ["min", "max", "pow"]
CONSTANTS = [("2", sp.Integer(2)), ("3", sp.Integer(3)), ("0.5", sp.Rational(1, 2)),
             ("1.5", sp.Rational(3, 2)), ("0.25", sp.Rational(1, 4)), ("pi", sp.pi),
             ("e", sp.E), ("1e-1", sp.Rational(1, 10))]

kinks = []  # sympy expressions that must stay away from 0 at the point (abs, min, max)


def sigmoid(a):
    return 1 / (1 + sp.exp(-a))


def softplus(a):
    return sp.log(1 + sp.exp(a))


def leaf(rng):
    if rng.random() < 0.7:
        n = rng.choice(NAMES)
        return n, SYMBOLS[n]
    return rng.choice(CONSTANTS)


def unary(rng, name, depth):
    t, s = gen(rng, depth - 1)
    if name == "asin" or name == "acos":
        return f"{name}(tanh({t})/2)", getattr(sp, name)(sp.tanh(s) / 2)
    if name == "log":
        if rng.random() < 0.5:
            return f"log(1 + ({t})^2)", sp.log(1 + s**2)
        return f"log(2 + sin({t}))", sp.log(2 + sp.sin(s))
    if name == "sqrt":
        return f"sqrt(0.5 + ({t})^2)", sp.sqrt(sp.Rational(1, 2) + s**2)
    if name == "abs":
        kinks.append(s)
        return f"abs({t})", sp.Abs(s)
    if name == "sigmoid":
        return f"sigmoid({t})", sigmoid(s)
    if name == "softplus":
        return f"softplus({t})", softplus(s)
    if name == "exp":
        return f"exp({t})", sp.exp(s)
    return f"{name}({t})", getattr(sp, name)(s)


def binary_call(rng, name, depth):
    ta, sa = gen(rng, depth - 1)
    tb, sb = gen(rng, depth - 1)
    if name == "pow":
        return f"pow(1 + ({ta})^2, {tb})", (1 + sa**2) ** sb
    kinks.append(sa - sb)
    return f"{name}({ta}, {tb})", (sp.Min if name == "min" else sp.Max)(sa, sb)


def gen(rng, depth, force=None):
    if depth <= 0 or (force is None and rng.random() < 0.2):
        return leaf(rng)
    kind = force or rng.choice(["op", "op", "op", "unary", "unary", "call2", "neg", "power"])
    if kind in UNARY:
        return unary(rng, kind, depth)
    if kind in BINARY_CALLS:
        return binary_call(rng, kind, depth)
    if kind == "unary":
        return unary(rng, rng.choice(UNARY), depth)
    if kind == "call2":
        return binary_call(rng, rng.choice(BINARY_CALLS), depth)
    if kind == "neg":
        t, s = gen(rng, depth - 1)
        return f"-({t})", -s
    if kind == "power":
        t, s = gen(rng, depth - 1)
        k = rng.choice(["2", "3", "**2", "-1"])
        if k == "-1":
            return f"(1 + ({t})^2)^-1", (1 + s**2) ** -1
        if k == "**2":
            return f"({t})**2", s**2
        return f"({t})^{k}", s ** int(k)
    ta, sa = gen(rng, depth - 1)
    tb, sb = gen(rng, depth - 1)
    op = rng.choice(["+", "-", "*", "/"])
    if op == "/":
        return f"({ta})/(1 + ({tb})^2)", sa / (1 + sb**2)
    return f"({ta}) {op} ({tb})", {"+": sa + sb, "-": sa - sb, "*": sa * sb}[op]


def number(expr, subs):
    v = complex(sp.N(expr.subs(subs), 30))
    if abs(v.imag) > 1e-12:
        raise ValueError("complex")
    return float(v.real)


def fixture(rng, force):
    kinks.clear()
    text, expr = gen(rng, MAX_DEPTH, force)
    names = sorted(str(s) for s in expr.free_symbols)
    if not names:
        return None
    syms = [SYMBOLS[n] for n in names]
    point = [round(rng.uniform(-1.5, 1.5), 3) for _ in names]
    subs = dict(zip(syms, point))
    if any(abs(number(k, subs)) < 1e-3 for k in kinks):
        return None
    value = number(expr, subs)
    grad = [sp.diff(expr, s) for s in syms]
    grad_values = [number(g, subs) for g in grad]
    hessian = [[number(sp.diff(g, s), subs) for s in syms] for g in grad]
    flat = [value] + grad_values + [h for row in hessian for h in row]
    if any(not (abs(v) < 1e6) for v in flat):
        return None
    return {"formula": text, "variables": names, "point": point, "value": value,
            "grad": grad_values, "hessian": hessian}


def main():
    rng = random.Random(SEED)
    forced = UNARY + BINARY_CALLS + ["op", "neg", "power"]
    out = []
    while len(out) < COUNT:
        force = forced[len(out)] if len(out) < len(forced) else None
        try:
            f = fixture(rng, force)
        except (ValueError, TypeError, ZeroDivisionError):
            f = None
        if f is not None:
            out.append(f)
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "symbolic_fixtures.json")
    with open(path, "w") as fh:
        json.dump(out, fh, indent=1)
        fh.write("\n")
    print(f"wrote {len(out)} fixtures to {path}")


if __name__ == "__main__":
    main()
