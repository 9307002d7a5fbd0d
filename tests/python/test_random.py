# SPDX-License-Identifier: LGPL-2.1-or-later
"""Randomized agreement: Python NodeMap (the C set operations through
ctypes) against Python's own sets, and its formats against the C command's
output and a reference formatter written here.  Seeded: the seed is in the
pytest header; NODEAFF_TEST_SEED=<seed> repeats a run."""

import json

from nodeaff import NodeMap

from conftest import SEED, run

ROUNDS = 300


def ref_list(s):
    """The canonical list format, written independently of the C code."""
    if not s:
        return "none"
    out, nodes = [], sorted(s)
    start = prev = nodes[0]
    for n in nodes[1:] + [None]:
        if n is not None and n == prev + 1:
            prev = n
            continue
        out.append(f"{start}" if start == prev else f"{start}-{prev}")
        if n is not None:
            start = prev = n
    return ",".join(out)


def ref_hex(s):
    return hex(sum(1 << n for n in s))


def ref_json(s):
    return "[" + ",".join(map(str, sorted(s))) + "]"


def random_set(rng, size):
    shape = rng.random()
    if shape < 0.1:
        return set()
    if shape < 0.2:
        return set(range(size))
    if shape < 0.6:          # runs
        s = set()
        for _ in range(rng.randint(1, 5)):
            a = rng.randrange(size)
            s.update(range(a, min(size, a + rng.randint(1, 12))))
        return s
    return {n for n in range(size) if rng.random() < rng.random()}


def random_expr(rng, s, size):
    """An expression for s in a random valid spelling of the grammar."""
    items = [f"{a}-{b}" if a != b else f"{a}"
             for a, b in (map(int, r.split("-")) if "-" in r else (int(r), int(r))
                          for r in ref_list(s).split(","))] if s else []
    rng.shuffle(items)
    form = rng.randrange(4)
    if not s:
        return rng.choice(["none", "", " ", "[]", "0,^0"])
    if form == 0:
        return ",".join(items)
    if form == 1:
        return "[" + ", ".join(f'"{i}"' for i in items) + "]"
    if form == 2:
        # all, then exclude everything else
        return ",".join(["all"] + [f"^{n}" for n in range(size) if n not in s])
    return " , ".join(items)


def test_set_operations_agree_with_python_sets(rng):
    for _ in range(ROUNDS):
        sa, sb = rng.choice([1, 8, 63, 64, 65, 200]), rng.choice([1, 8, 64, 130])
        a, b = random_set(rng, sa), random_set(rng, sb)
        ma, mb = NodeMap(a, size=sa), NodeMap(b, size=sb)
        ctx = f"seed {SEED}: a={sorted(a)} ({sa}) b={sorted(b)} ({sb})"
        assert list(ma) == sorted(a), ctx
        assert len(ma) == len(a), ctx
        assert set(ma | mb) == a | b, ctx
        assert set(ma & mb) == a & b, ctx
        assert set(ma - mb) == a - b, ctx
        assert set(ma ^ mb) == a ^ b, ctx
        assert (ma == mb) == (a == b), ctx
        assert (ma <= mb) == (a <= b), ctx
        assert (ma < mb) == (a < b), ctx
        assert ma.isdisjoint(mb) == a.isdisjoint(b), ctx
        probe = rng.randrange(max(sa, sb) + 2) - 1
        assert (probe in ma) == (probe in a), ctx
        assert NodeMap.from_bytes(ma.to_bytes(), size=sa) == ma, ctx


def test_formats_agree_with_reference_and_parse_back(rng):
    for _ in range(ROUNDS):
        size = rng.choice([1, 2, 8, 64, 100, 4096])
        s = random_set(rng, size)
        m = NodeMap(s, size=size)
        ctx = f"seed {SEED}: {sorted(s)} size {size}"
        assert (str(m), m.format("hex"), m.format("json")) == \
            (ref_list(s), ref_hex(s), ref_json(s)), ctx
        assert NodeMap.parse(str(m), size) == m, ctx
        assert NodeMap.parse(m.format("json"), size) == m, ctx
        expr = random_expr(rng, s, size)
        assert NodeMap.parse(expr, size) == m, f"{ctx} expr {expr!r}"


def test_formats_agree_with_the_c_command(rng, tool):
    """One nodeaff parse --json run per size: the C formatter's list, hex and
    nodes against NodeMap's for the same random expressions."""
    for size in (1, 8, 64, 65, 1000):
        sets = [random_set(rng, size) for _ in range(60)]
        exprs = [random_expr(rng, s, size) for s in sets]
        p = run([tool, "parse", "--json", "--max-nodes", str(size), "--", *exprs], text=True)
        assert p.returncode == 0, f"seed {SEED}: {p.stderr}"
        doc = json.loads(p.stdout)
        assert doc["max_nodes"] == size
        for s, e, r in zip(sets, exprs, doc["results"]):
            m = NodeMap.parse(e, size)
            ctx = f"seed {SEED}: expr {e!r}"
            assert r["input"] == e, ctx
            assert r["list"] == str(m) == ref_list(s), ctx
            assert r["hex"] == m.format("hex"), ctx
            assert r["nodes"] == list(m) == sorted(s), ctx
            assert json.loads(m.format("json")) == r["nodes"], ctx


def test_random_bad_input_same_column_as_the_c_command(rng, tool):
    alphabet = "0123456789,-^[]\" all none x"
    texts = ["".join(rng.choice(alphabet) for _ in range(rng.randint(1, 12)))
             for _ in range(150)]
    for t in texts:
        p = run([tool, "parse", "--", t])
        try:
            m = NodeMap.parse(t)
        except OSError as e:
            assert p.returncode == 2, f"seed {SEED}: {t!r}"
            want = f"nodeaff parse: '{t}': column {e.column}: {e.strerror}\n"
            assert p.stderr.decode() == want, f"seed {SEED}: {t!r}"
        else:
            assert p.returncode == 0 and p.stdout.decode() == f"{m}\n", f"seed {SEED}: {t!r}"
