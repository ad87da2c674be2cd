"""Ctrl-C, memory and threads: KeyboardInterrupt stops long runs, 1e5 calls leave the memory
flat, two Python threads minimize at once (the GIL is released while C++ works)."""

import os
import signal
import threading

import numpy as np
import pytest

import descent


def interrupt_soon(seconds=0.3):
    """Sends SIGINT to this (the main) thread from another thread after `seconds`."""
    main = threading.main_thread().ident
    timer = threading.Timer(seconds, signal.pthread_kill, args=(main, signal.SIGINT))
    timer.start()
    return timer


def test_ctrl_c_stops_a_long_formula_run():
    timer = interrupt_soon()
    with pytest.raises(KeyboardInterrupt):
        descent.minimize("rosenbrock", method="gd(lr=1e-6)", steps=10**12, tol=0, jit="off")
    timer.join()


def test_ctrl_c_stops_a_long_run_sent_by_os_kill():
    timer = threading.Timer(0.3, os.kill, args=(os.getpid(), signal.SIGINT))
    timer.start()
    with pytest.raises(KeyboardInterrupt):
        descent.minimize("x^2 + y^2", x0={"x": 1, "y": 1}, method="adam(lr=1e-9)",
                         steps=10**12, tol=0, jit="off")
    timer.join()


def test_ctrl_c_stops_a_python_objective():
    timer = interrupt_soon()
    with pytest.raises(KeyboardInterrupt):
        descent.minimize(lambda x: float(x @ x), np.ones(3), jac=lambda x: 2 * x,
                         method="gd(lr=1e-9)", steps=10**12, tol=0)
    timer.join()


def test_ctrl_c_stops_training():
    timer = interrupt_soon()
    with pytest.raises(KeyboardInterrupt):
        descent.train("digits", model="mlp(hidden=[32])", epochs=100000, batch_size=8)
    timer.join()


def rss_bytes():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def test_a_hundred_thousand_calls_leave_the_memory_flat():
    x = np.zeros(1000)
    opt = descent.optim.Adam([x])
    g = np.ones(1000)

    def calls(n):
        for _ in range(n):
            descent.grad("x^2*y", at={"x": 1.0, "y": 2.0})
            opt.step([g])

    calls(20000)
    before = rss_bytes()
    calls(100000)
    assert rss_bytes() - before < 4 << 20


def test_a_python_objective_called_a_hundred_thousand_times_leaves_the_memory_flat():
    def run(steps):
        descent.minimize(lambda x: float(x @ x), np.ones(4), jac=lambda x: 2 * x,
                         method="gd(lr=1e-9)", steps=steps, tol=0)

    run(20000)
    before = rss_bytes()
    run(100000)
    assert rss_bytes() - before < 4 << 20


def test_two_threads_minimize_at_once_with_the_single_threaded_results():
    expected = descent.minimize("rosenbrock", method="adam(lr=0.001)", steps=200000,
                                jit="off").x.tolist()
    results = [None, None]

    def work(i):
        results[i] = descent.minimize("rosenbrock", method="adam(lr=0.001)", steps=200000,
                                      jit="off").x.tolist()

    threads = [threading.Thread(target=work, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert results == [expected, expected]


def test_two_threads_with_python_objectives_both_finish():
    results = [None, None]

    def work(i):
        results[i] = descent.minimize(lambda x: float(((x - i) ** 2).sum()), np.zeros(3),
                                      jac=lambda x: 2 * (x - i)).x

    threads = [threading.Thread(target=work, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert results[0] == pytest.approx(np.zeros(3)) and results[1] == pytest.approx(np.ones(3))


def test_import_descent_leaves_numpy_for_first_use():
    import subprocess
    import sys
    out = subprocess.run([sys.executable, "-c",
                          "import sys, descent; print('numpy' in sys.modules)"],
                         capture_output=True, text=True, timeout=60, check=True)
    assert out.stdout.strip() == "False"
