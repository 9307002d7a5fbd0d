# SPDX-License-Identifier: LGPL-2.1-or-later
"""python3 -m nodeaff parse against the C command: the same stdout, stderr
and exit status, byte for byte, for the CLI test's cases and more."""

import json
import sys

import pytest

from conftest import SEED, run

CASES = [
    ["parse", "0-3,^1", "^1,0-3", "all", "none", "", '["0", "3-5"]', "[0, 3]", "[]"],
    ["parse", "--format", "hex", "0,2-5,7", "none"],
    ["parse", "--format", "json", "0,2-5,7", "none"],
    ["parse", "--format=list", "--max-nodes", "4096", "4095,0-1"],
    ["parse", "--max-nodes", "1", "all"],
    ["parse", "--max-nodes", "65536", "65535"],
    ["parse", "3", "--format", "hex"],
    ["parse", "0", "0,,1"], ["parse", "3-1"], ["parse", "64"],
    ["parse", "--max-nodes", "8", "0-8"], ["parse", "99999999999"], ["parse", "0x3"],
    ["parse", "^all"], ["parse", "[0, 1"], ["parse", "1 2"],
    ["parse", "0", "1", "2", "bad"], ["--json", "parse", "0", "x"], ["parse", "--json", "0", "x"],
    ["parse"], ["parse", "--max-nodes", "0", "1"], ["parse", "--max-nodes", "65537", "1"],
    ["parse", "--max-nodes", "12x", "1"], ["parse", "--format", "yaml", "1"],
    ["parse", "--bogus", "1"],
    ["--json", "parse", "0-3", "none", '["0", "^0", "5"]'],
    ["parse", "--json", "0-3", "none", '["0", "^0", "5"]'],
    ["parse", "--json", "--max-nodes", "128", "\t127"],
    # getopt_long's corners: prefixes, --opt=value, missing or unwanted
    # arguments, short options, "--", "-".
    ["parse", "--format"], ["parse", "--json=1", "0"], ["parse", "-x", "0"],
    ["parse", "-xy", "0"], ["parse", "--max", "8", "7"], ["parse", "--form=hex", "7"],
    ["parse", "--", "-1"], ["parse", "--", "3", "--json"], ["parse", "--bogus=3", "1"],
    ["parse", "--he"], ["parse", "--help", "1"], ["parse", "-h"], ["parse", "-", "1"],
    ["parse", "--max-nodes=", "1"], ["parse", "1", "--json"], ["parse", "--js", "1"],
    ["--json", "parse", "--format", "json", "1"], ["parse", "--=x", "1"],
    ["parse", "--json", 'a"b\\c\x01'], ["parse", "--json", "1", "é"],
    ["--version"],
]


def pyrun(args):
    return run([sys.executable, "-m", "nodeaff", *args])


@pytest.mark.parametrize("args", CASES, ids=lambda a: " ".join(a) or "(none)")
def test_same_as_c(args, tool):
    c, py = run([tool, *args]), pyrun(args)
    assert (py.returncode, py.stdout, py.stderr) == (c.returncode, c.stdout, c.stderr)
    assert py.returncode in (0, 2)


def test_non_utf8_argument_bytes(tool):
    arg = b"\xff1"
    c = run([tool, b"parse", b"--json", arg])
    py = run([sys.executable.encode(), b"-m", b"nodeaff", b"parse", b"--json", arg])
    assert (py.returncode, py.stdout, py.stderr) == (c.returncode, c.stdout, c.stderr)


def test_random_expressions_same_as_c(tool, rng):
    alphabet = "0123456789,-^[]\" \tallnone"
    exprs = ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 10))) for _ in range(40)]
    for fmt in ("list", "hex", "json"):
        for e in exprs:
            args = ["parse", "--max-nodes", "100", "--format", fmt, "--", e]
            c, py = run([tool, *args]), pyrun(args)
            assert (py.returncode, py.stdout, py.stderr) == \
                (c.returncode, c.stdout, c.stderr), f"seed {SEED}: {e!r}"


def test_usage_and_other_commands():
    p = pyrun([])
    assert p.returncode == 2 and p.stdout == b"" and b"Usage:" in p.stderr
    p = pyrun(["--help"])
    assert p.returncode == 0 and b"parse" in p.stdout
    p = pyrun(["get", "0"])
    assert p.returncode == 2 and p.stdout == b"" and b"nodeaff command" in p.stderr
    p = pyrun(["--bogus"])
    assert p.returncode == 2 and p.stderr.startswith(b"nodeaff: unknown option '--bogus'")
    p = pyrun(["parse", "--json", "0-1"])
    assert json.loads(p.stdout)["results"][0]["nodes"] == [0, 1]
