#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""nodeaff parse: good input on stdout, bad input as exactly one stderr line,
nothing on stdout and exit status 2; --json output is one valid document.

Usage: test-cli-parse.py PATH-TO-NODEAFF
"""
import json
import subprocess
import sys

TOOL = sys.argv[1]
failures = 0


def run(*args):
    p = subprocess.run([TOOL, *args], capture_output=True, text=True)
    return p.returncode, p.stdout, p.stderr


def check(name, cond, detail=""):
    global failures
    if cond:
        print(f"ok - {name}")
    else:
        failures += 1
        print(f"not ok - {name} {detail}")


def expect_ok(args, stdout):
    rc, out, err = run(*args)
    check(f"parse {args!r}", rc == 0 and out == stdout and err == "",
          f"rc={rc} out={out!r} err={err!r}")


def expect_bad(args, needle):
    rc, out, err = run(*args)
    lines = err.splitlines()
    check(f"bad {args!r}",
          rc == 2 and out == "" and len(lines) == 1 and err.endswith("\n")
          and needle in lines[0],
          f"rc={rc} out={out!r} err={err!r}")


expect_ok(["parse", "0-3,^1", "^1,0-3", "all", "none", "", '["0", "3-5"]', "[0, 3]", "[]"],
          "0,2-3\n0-3\n0-63\nnone\nnone\n0,3-5\n0,3\nnone\n")
expect_ok(["parse", "--format", "hex", "0,2-5,7", "none"], "0xbd\n0x0\n")
expect_ok(["parse", "--format", "json", "0,2-5,7", "none"], "[0,2,3,4,5,7]\n[]\n")
expect_ok(["parse", "--format=list", "--max-nodes", "4096", "4095,0-1"], "0-1,4095\n")
expect_ok(["parse", "--max-nodes", "1", "all"], "0\n")
expect_ok(["parse", "--max-nodes", "65536", "65535"], "65535\n")
expect_ok(["parse", "3", "--format", "hex"], "0x8\n")

# Each error names the expression, the column and the reason.
expect_bad(["parse", "0", "0,,1"], "'0,,1': column 3: empty element")
expect_bad(["parse", "3-1"], "column 3: range end is below its start")
expect_bad(["parse", "64"], "'64': column 1: node number is beyond")
expect_bad(["parse", "--max-nodes", "8", "0-8"], "column 3")
expect_bad(["parse", "99999999999"], "number too large")
expect_bad(["parse", "0x3"], "unknown word")
expect_bad(["parse", "^all"], "^all")
expect_bad(["parse", "[0, 1"], "not closed")
expect_bad(["parse", "1 2"], "column 3")
# A bad expression after good ones: still nothing on stdout.
expect_bad(["parse", "0", "1", "2", "bad"], "'bad': column 1")
expect_bad(["--json", "parse", "0", "x"], "'x'")
expect_bad(["parse", "--json", "0", "x"], "'x'")
# Usage errors.
expect_bad(["parse"], "no expression")
expect_bad(["parse", "--max-nodes", "0", "1"], "--max-nodes")
expect_bad(["parse", "--max-nodes", "65537", "1"], "--max-nodes")
expect_bad(["parse", "--max-nodes", "12x", "1"], "--max-nodes")
expect_bad(["parse", "--format", "yaml", "1"], "yaml")
expect_bad(["parse", "--bogus", "1"], "--bogus")

# --json, before or after the subcommand: one document that json.tool accepts.
for args in (["--json", "parse"], ["parse", "--json"]):
    rc, out, err = run(*args, "0-3", "none", "[\"0\", \"^0\", \"5\"]")
    doc = None
    try:
        doc = json.loads(out)
    except ValueError:
        pass
    tool = subprocess.run([sys.executable, "-m", "json.tool"], input=out,
                          capture_output=True, text=True)
    check(f"{args!r} json", rc == 0 and err == "" and tool.returncode == 0 and doc == {
        "max_nodes": 64,
        "results": [
            {"input": "0-3", "nodes": [0, 1, 2, 3], "list": "0-3", "hex": "0xf"},
            {"input": "none", "nodes": [], "list": "none", "hex": "0x0"},
            {"input": "[\"0\", \"^0\", \"5\"]", "nodes": [5], "list": "5", "hex": "0x20"},
        ]}, f"rc={rc} out={out!r} err={err!r}")

rc, out, err = run("parse", "--json", "--max-nodes", "128", "\t127")
doc = json.loads(out) if rc == 0 else None
check("json escapes input", doc == {"max_nodes": 128, "results": [
    {"input": "\t127", "nodes": [127], "list": "127", "hex": "0x" + "8" + "0" * 31}]},
      f"rc={rc} out={out!r}")

sys.exit(1 if failures else 0)
