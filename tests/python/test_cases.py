# SPDX-License-Identifier: LGPL-2.1-or-later
"""The Python package against the shared case table (tests/cases, format in
its README.md), which the C, OCaml and Rust suites read too: the grammar
rows, placement on topology files and the errno-to-exception mapping."""

import errno
import os

import pytest

import nodeaff
from nodeaff import errors

from conftest import SRCDIR

CASES = os.path.join(SRCDIR, "tests", "cases")


def read_table(name, header):
    """Rows of tests/cases/NAME as (line number, fields); checks the header."""
    path = os.path.join(CASES, name)
    rows = []
    seen_header = False
    with open(path, encoding="utf-8", newline="") as f:
        for lineno, line in enumerate(f, 1):
            assert line.endswith("\n") and "\r" not in line, f"{path}:{lineno}: line ending"
            line = line[:-1]
            if not line or line.startswith("#"):
                continue
            fields = line.split("\t")
            if not seen_header:
                assert fields == header, f"{path}:{lineno}: header {fields}, want {header}"
                seen_header = True
                continue
            assert len(fields) == len(header), f"{path}:{lineno}: {len(fields)} fields"
            rows.append((lineno, fields))
    assert rows, f"{path}: no rows"
    return rows


def unescape(text):
    out, i = [], 0
    while i < len(text):
        c = text[i]
        if c == "\\":
            i += 1
            nxt = text[i] if i < len(text) else ""
            if nxt not in ("\\", "t", "n"):
                raise ValueError(f"unknown escape '\\{nxt}' in {text!r}")
            c = {"\\": "\\", "t": "\t", "n": "\n"}[nxt]
        out.append(c)
        i += 1
    return "".join(out)


ERRNOS = read_table("errno.tsv", ["name", "number", "python", "ocaml", "rust"])
ERRNO_OF = {f[0]: int(f[1]) for _, f in ERRNOS}
REASON_OF = {f[0]: int(f[1]) for _, f in read_table("parse-reasons.tsv", ["name", "value"])}
GRAMMAR = read_table("grammar.tsv", ["input", "nodes", "expect", "reason", "column"])
PLACEMENT = read_table("placement.tsv",
                       ["topology", "memory", "vcpus", "flags", "expect", "why"])


@pytest.mark.parametrize("lineno,row", ERRNOS, ids=[f[0] for _, f in ERRNOS])
def test_errno(lineno, row):
    name, number, cls_name = row[0], int(row[1]), row[2]
    assert getattr(errno, name) == number, f"errno.tsv:{lineno}: {name} is not {number} here"
    e = errors.error_from_errno(-number, "nodeaff_x")
    assert type(e).__name__ == cls_name, f"errno.tsv:{lineno}: {type(e).__name__}"
    assert type(e) is getattr(nodeaff, cls_name)
    assert isinstance(e, OSError) and e.errno == number


@pytest.mark.parametrize("lineno,row", GRAMMAR, ids=[str(n) for n, _ in GRAMMAR])
def test_grammar(lineno, row):
    text, nodes, expect, reason, column = unescape(row[0]), int(row[1]), row[2], row[3], row[4]
    if expect.startswith("E"):
        with pytest.raises(nodeaff.ParseError) as e:
            nodeaff.NodeMap.parse(text, size=nodes)
        got = (e.value.errno, e.value.reason, e.value.column)
        want = (ERRNO_OF[expect], REASON_OF[reason], int(column))
        assert got == want, f"grammar.tsv:{lineno}: {text!r}"
        assert isinstance(e.value, OSError) and e.value.text == text
    else:
        assert (reason, column) == ("-", "-")
        m = nodeaff.NodeMap.parse(text, size=nodes)
        assert m.format("list") == expect, f"grammar.tsv:{lineno}: {text!r}"
        assert m.size == nodes
        # The canonical list parses back to the same set.
        assert nodeaff.NodeMap.parse(expect, size=nodes) == m


@pytest.mark.parametrize("lineno,row", PLACEMENT, ids=[str(n) for n, _ in PLACEMENT])
def test_placement(lineno, row):
    topo_path, memory, vcpus, flags, expect, why = row
    assert flags in ("preferred", "strict"), f"placement.tsv:{lineno}: flags {flags}"
    topo = nodeaff.Topology.from_file(os.path.join(SRCDIR, topo_path))
    place = lambda: topo.place(int(memory), int(vcpus), strict=flags == "strict")  # noqa: E731
    if expect.startswith("E"):
        with pytest.raises(nodeaff.NodeaffError) as e:
            place()
        assert e.value.errno == ERRNO_OF[expect], f"placement.tsv:{lineno}: {why}"
    else:
        got = place().nodes.format("list")
        assert got == expect, f"placement.tsv:{lineno}: {why}"
