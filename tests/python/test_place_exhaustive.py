# SPDX-License-Identifier: LGPL-2.1-or-later
"""Topology.place() against an exhaustive search of the rule nodeaff(3)
PLACEMENT documents, on random topologies of 1 to 8 nodes built through
the Python setters (so the values cross the C/Python boundary both ways).
The C twin, tests/placement/test-placement-exhaustive.c, runs more rounds
under valgrind and ASan.  Seeded: NODEAFF_TEST_SEED=<seed> repeats a run."""

import itertools

import pytest

from nodeaff import NoSpaceError, Topology

MIB = 1 << 20
ROUNDS = 300


def random_host(rng):
    n = rng.randrange(1, 9)
    h = {"n": n, "online": [rng.randrange(10) != 0 for _ in range(n)],
         "free": [rng.choice([0, 100, 512, 1024, 2048, 3072, 4096]) * MIB for _ in range(n)],
         "cpus": [0 if rng.randrange(4) == 0 else rng.randrange(1, 4) for _ in range(n)],
         "vcpus": [rng.randrange(6) if rng.randrange(3) == 0 else 0 for _ in range(n)],
         "dist": {}}
    for a in range(n):
        for b in range(a + 1, n):
            d = rng.randrange(11, 51)
            h["dist"][a, b] = d
            h["dist"][b, a] = rng.randrange(11, 51) if rng.randrange(8) == 0 else d
    return h


def build(h):
    t = Topology(h["n"], sum(h["cpus"]))
    cpu = 0
    for a in range(h["n"]):
        t.set_node_memory(a, h["free"][a] + 64 * MIB, h["free"][a])
        t.set_node_vcpus(a, h["vcpus"][a])
        t.set_node_online(a, h["online"][a])
        for _ in range(h["cpus"][a]):
            t.set_cpu_node(cpu, a)
            cpu += 1
    for (a, b), d in h["dist"].items():
        t.set_distance(a, b, d)
    return t


def expected(h, memory, vcpus, strict):
    """The documented rule by brute force: None for ENOSPC, else the set."""
    el = [a for a in range(h["n"]) if h["online"][a] and h["free"][a] > 0]
    if not el:
        return None
    total = sum(h["free"][a] for a in el)
    cpu_need = min(vcpus, sum(h["cpus"][a] for a in el))
    need = memory + max(memory // 8, 64 * MIB)
    if total < need:
        if total >= memory:
            need = memory
        elif strict:
            return None
        else:
            need = total
    best = None
    for k in range(1, len(el) + 1):
        for s in itertools.combinations(el, k):
            if sum(h["free"][a] for a in s) < need or sum(h["cpus"][a] for a in s) < cpu_need:
                continue
            d = max([10] + [max(h["dist"][a, b], h["dist"][b, a])
                            for a, b in itertools.combinations(s, 2)])
            # smallest distance, fewest nodes, fewest vCPUs, most free, lowest ids
            key = (d, k, sum(h["vcpus"][a] for a in s), -sum(h["free"][a] for a in s), s)
            if best is None or key < best:
                best = key
    return list(best[4])


def test_place_matches_exhaustive_search(rng):
    for _ in range(ROUNDS):
        h = random_host(rng)
        memory = rng.choice([1, 100, 500, 1024, 2048, 3000, 4096, 9000]) * MIB
        vcpus = rng.randrange(1, 9)
        strict = rng.randrange(2) == 1
        want = expected(h, memory, vcpus, strict)
        t = build(h)
        if want is None:
            with pytest.raises(NoSpaceError):
                t.place(memory, vcpus, strict)
            continue
        got = t.place(memory, vcpus, strict)
        assert list(got.nodes) == want, (h, memory, vcpus, strict)
