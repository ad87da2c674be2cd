"""pytest set-up for descent's Python tests: CTest runs them with PYTHONPATH pointing at the
build tree's package and DESCENT_CLI at the command-line tool (for same-numbers checks)."""

import json
import os
import subprocess

import pytest

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


@pytest.fixture(scope="session")
def cli():
    """Runs `descent ARGS... --json` and returns the parsed document."""
    path = os.environ.get("DESCENT_CLI")
    if not path or not os.path.exists(path):
        pytest.skip("DESCENT_CLI (the descent binary) is not set")

    def run(*args):
        out = subprocess.run([path, *args, "--json"], capture_output=True, text=True, timeout=120)
        assert out.returncode in (0, 3), out.stderr
        return json.loads(out.stdout)

    return run


@pytest.fixture(scope="session")
def reference():
    with open(os.path.join(REPO, "tests", "reference", "torch_optim.json")) as f:
        return json.load(f)
