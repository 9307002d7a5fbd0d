# SPDX-License-Identifier: LGPL-2.1-or-later
"""Shared fixtures for the nodeaff Python package's tests.

Run by tests/python/run-pytest (meson test --suite unit), which sets
NODEAFF_LIBRARY (the build tree's libnodeaff.so.1), PYTHONPATH (src/python),
NODEAFF_TOOL (the build tree's nodeaff command) and NODEAFF_SRCDIR.
NODEAFF_TEST_SEED=<seed> repeats a randomized run.
"""

import os
import random
import subprocess
import sys
import time

import pytest

SRCDIR = os.environ.get("NODEAFF_SRCDIR") or os.path.dirname(
    os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TOPO_DIR = os.path.join(SRCDIR, "tests", "placement", "topologies")


def _seed():
    s = os.environ.get("NODEAFF_TEST_SEED")
    return int(s) if s else int(time.time_ns() % 1_000_000_007)


SEED = _seed()


def pytest_report_header(config):
    return [f"NODEAFF_TEST_SEED={SEED} (set it to repeat this run)",
            f"nodeaff library: {os.environ.get('NODEAFF_LIBRARY', 'libnodeaff.so.1 (SONAME)')}",
            f"python: {sys.executable} {sys.version.split()[0]}"]


@pytest.fixture
def rng(request):
    """A random.Random seeded from SEED and the test's name, so each test
    repeats alone; the seed is printed in the header and on failure."""
    r = random.Random(f"{SEED}:{request.node.name}")
    print(f"NODEAFF_TEST_SEED={SEED}")
    return r


@pytest.fixture(scope="session")
def tool():
    """The C nodeaff command of the build tree."""
    path = os.environ.get("NODEAFF_TOOL")
    if not path or not os.access(path, os.X_OK):
        pytest.fail("NODEAFF_TOOL does not name the nodeaff command (run through meson test)")
    return path


def run(cmd, **kw):
    return subprocess.run(cmd, capture_output=True, **kw)


@pytest.fixture(scope="session")
def topo_dir():
    return TOPO_DIR


def topologies():
    return sorted(os.path.join(TOPO_DIR, f) for f in os.listdir(TOPO_DIR) if f.endswith(".topo"))
