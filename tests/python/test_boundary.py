# SPDX-License-Identifier: LGPL-2.1-or-later
"""The C/Python boundary (issue 14 items 1-3): out-of-range and wrong-typed
values fed to every public function that passes an integer to C.

Nothing may crash, nothing may wrap: a value C cannot hold raises the
documented exception (src/python/nodeaff/_cvalues.py: OutOfRangeError for
node and CPU ids, InvalidArgumentError for sizes, counts, memory, distances
and domain ids, TypeError for a non-integer) and changes nothing; a value C
can hold arrives unchanged.  Random values are seeded (the seed is in the
pytest header; NODEAFF_TEST_SEED=<seed> repeats a run)."""

import inspect

import pytest

import nodeaff
from nodeaff import (Host, InvalidArgumentError, NodeMap, OutOfRangeError,
                     Topology)

U32 = 2**32
U64 = 2**64
ROUNDS = 200

# Fixed values that used to wrap: each is congruent to a valid value
# modulo 2**32 or 2**64, or negative.
FIXED_BAD = [-1, -2, -2**31, -U32, U32, U32 + 1, U32 + 5, 2**63, U64 - 1 + U32,
             U64, U64 + 1, U64 + 2**30, -U64, 2**100]
WRONG_TYPES = [1.0, 1.5, "1", b"1", None, [1], (1,), {1}, object(), 1j]


def bad_ints(rng, top):
    """Integers outside 0..top: the fixed ones and random ones of every
    magnitude."""
    out = [v for v in FIXED_BAD if v < 0 or v > top]
    for _ in range(ROUNDS // 10):
        out.append(top + 1 + rng.randrange(2**rng.randrange(1, 80)))
        out.append(-1 - rng.randrange(2**rng.randrange(1, 80)))
    return out


def topology():
    t = Topology(4, 4)
    for n in range(4):
        t.set_node_memory(n, 4 << 30)
        t.set_cpu_node(n, n)
    return t


def closed_host():
    """A Host whose handle is closed: argument checks come first, so a bad
    value raises its own error; a good one gets ValueError (closed)."""
    h = Host.__new__(Host)
    h._ptr = None
    h._nr_nodes = 4
    return h


# Every public function that passes an integer to C: (name, call taking
# the value, kind).  kind "id": OutOfRangeError; "uint"/"u64":
# InvalidArgumentError, with the C type's top value.
def calls():
    t = topology()
    m = NodeMap([0, 2])
    h = closed_host()
    return [
        ("NodeMap(size=)", lambda v: NodeMap([], size=v), "uint"),
        ("NodeMap(nodes)", lambda v: NodeMap([v]), "id"),
        ("NodeMap.parse(size=)", lambda v: NodeMap.parse("0", v), "uint"),
        ("NodeMap.all(size=)", lambda v: NodeMap.all(v), "uint"),
        ("NodeMap.from_bytes(nr_bits=)", lambda v: NodeMap.from_bytes(bytes(8), nr_bits=v), "uint"),
        ("NodeMap.from_bytes(size=)", lambda v: NodeMap.from_bytes(b"\1", size=v), "uint"),
        ("NodeMap.to_bytes", lambda v: m.to_bytes(v), "uint"),
        ("NodeMap.resized", lambda v: m.resized(v), "uint"),
        ("NodeMap.union", lambda v: m.union([v]), "id"),
        ("NodeMap.intersection", lambda v: m.intersection([v]), "id"),
        ("NodeMap.difference", lambda v: m.difference([v]), "id"),
        ("NodeMap.symmetric_difference", lambda v: m.symmetric_difference([v]), "id"),
        ("NodeMap.issubset", lambda v: m.issubset([v]), "id"),
        ("NodeMap.issuperset", lambda v: m.issuperset([v]), "id"),
        ("NodeMap.isdisjoint", lambda v: m.isdisjoint([v]), "id"),
        ("Topology(nr_nodes)", lambda v: Topology(v, 1), "uint"),
        ("Topology(nr_cpus)", lambda v: Topology(1, v), "uint"),
        ("Topology.node_memory", lambda v: t.node_memory(v), "id"),
        ("Topology.distance(a)", lambda v: t.distance(v, 0), "id"),
        ("Topology.distance(b)", lambda v: t.distance(0, v), "id"),
        ("Topology.cpu_node", lambda v: t.cpu_node(v), "id"),
        ("Topology.node_cpus", lambda v: t.node_cpus(v), "id"),
        ("Topology.node_vcpus", lambda v: t.node_vcpus(v), "id"),
        ("Topology.node", lambda v: t.node(v), "id"),
        ("Topology.set_node_online", lambda v: t.set_node_online(v, True), "id"),
        ("Topology.set_node_memory(node)", lambda v: t.set_node_memory(v, 1 << 30), "id"),
        ("Topology.set_node_memory(size)", lambda v: t.set_node_memory(0, v), "u64"),
        ("Topology.set_node_memory(free)", lambda v: t.set_node_memory(0, 4 << 30, v), "u64"),
        ("Topology.set_distance(a)", lambda v: t.set_distance(v, 1, 30), "id"),
        ("Topology.set_distance(b)", lambda v: t.set_distance(0, v, 30), "id"),
        ("Topology.set_distance(distance)", lambda v: t.set_distance(0, 1, v), "uint"),
        ("Topology.set_cpu_node(cpu)", lambda v: t.set_cpu_node(v, 0), "id"),
        ("Topology.set_cpu_node(node)", lambda v: t.set_cpu_node(0, v), "id"),
        ("Topology.set_node_vcpus(node)", lambda v: t.set_node_vcpus(v, 1), "id"),
        ("Topology.set_node_vcpus(vcpus)", lambda v: t.set_node_vcpus(0, v), "uint"),
        ("Topology.place(memory)", lambda v: t.place(v, 1), "u64"),
        ("Topology.place(vcpus)", lambda v: t.place(1 << 30, v), "uint"),
        ("place(memory)", lambda v: nodeaff.place(t, v, 1), "u64"),
        ("place(vcpus)", lambda v: nodeaff.place(t, 1 << 30, v), "uint"),
        ("Topology.config_nodes(memory)", lambda v: t.config_nodes("auto", v, 1), "u64"),
        ("Topology.config_nodes(vcpus)", lambda v: t.config_nodes("auto", 1 << 30, v), "uint"),
        ("config_nodes(memory)", lambda v: nodeaff.config_nodes("auto", t, v, 1), "u64"),
        ("config_nodes(vcpus)", lambda v: nodeaff.config_nodes("auto", t, 1 << 30, v), "uint"),
        ("Host.set_affinity", lambda v: h.set_affinity(v, "0"), "uint"),
        ("Host.get_affinity", lambda v: h.get_affinity(v), "uint"),
        ("Host.get_state", lambda v: h.get_state(v), "uint"),
        ("Host.reset_affinity", lambda v: h.reset_affinity(v), "uint"),
        ("Host.usage", lambda v: h.usage(v), "uint"),
        ("Topology.node_claimed", lambda v: t.node_claimed(v), "id"),
        ("Topology.set_node_claimed(node)", lambda v: t.set_node_claimed(v, 0), "id"),
        ("Topology.set_node_claimed(claimed)", lambda v: t.set_node_claimed(0, v), "u64"),
        ("Topology.claim_split", lambda v: t.claim_split([0], v), "u64"),
        ("Host.claim(domid)", lambda v: h.claim(v, [1]), "uint"),
        ("Host.claim(pages)", lambda v: h.claim(1, [0, v]), "u64"),
        ("Host.claim({node: })", lambda v: h.claim(1, {v: 1}), "id"),
        ("Host.claim({: pages})", lambda v: h.claim(1, {1: v}), "u64"),
        ("Host.cancel_claim", lambda v: h.cancel_claim(v), "uint"),
        ("Host.get_claim", lambda v: h.get_claim(v), "uint"),
    ]


# Parameters whose default is None ("the map's size", "all of it").
OPTIONAL = {"NodeMap(size=)", "NodeMap.from_bytes(nr_bits=)", "NodeMap.from_bytes(size=)",
            "NodeMap.to_bytes", "NodeMap.resized", "Topology.set_node_memory(free)"}
TOP = {"id": U32 - 1, "uint": U32 - 1, "u64": U64 - 1}
ERROR = {"id": OutOfRangeError, "uint": InvalidArgumentError, "u64": InvalidArgumentError}


def test_every_int_parameter_is_covered():
    # A new public function taking an int must be added to calls().
    covered = {name.split("(")[0] for name, _, _ in calls()}
    public = {"NodeMap": NodeMap, "Topology": Topology, "Host": Host}
    missing = []
    for cls_name, cls in public.items():
        for name, fn in inspect.getmembers(cls, inspect.isfunction):
            if name.startswith("_") and name != "__init__":
                continue
            params = inspect.signature(fn).parameters.values()
            if any("int" in str(p.annotation) for p in params):
                qual = cls_name if name == "__init__" else f"{cls_name}.{name}"
                if qual not in covered:
                    missing.append(qual)
    for name in ("place", "config_nodes"):
        params = inspect.signature(getattr(nodeaff, name)).parameters.values()
        assert any("int" in str(p.annotation) for p in params)
        assert name in covered
    assert not missing, missing


@pytest.mark.parametrize("index", range(len(calls())), ids=[c[0] for c in calls()])
def test_out_of_range_raises_the_documented_error(rng, index):
    name, call, kind = calls()[index]
    for v in bad_ints(rng, TOP[kind]):
        with pytest.raises(ERROR[kind]) as e:
            call(v)
        assert str(v) in str(e.value), (name, v, e.value)


@pytest.mark.parametrize("index", range(len(calls())), ids=[c[0] for c in calls()])
def test_wrong_type_raises_type_error(index):
    name, call, kind = calls()[index]
    for v in WRONG_TYPES:
        if name == "NodeMap(nodes)" and isinstance(v, (str, bytes)):
            continue   # NodeMap(["1"]) is a TypeError too, but "1" alone is text
        if v is None and name in OPTIONAL:
            continue   # None is these parameters' default
        with pytest.raises(TypeError):
            call(v)


def test_bad_value_changes_nothing(rng):
    t = topology()
    before = t.to_dict()
    for v in bad_ints(rng, U64 - 1):
        with pytest.raises(InvalidArgumentError):
            t.set_node_memory(1, v)
    for v in bad_ints(rng, U32 - 1):
        with pytest.raises(OutOfRangeError):
            t.set_distance(0, v, 30)
        with pytest.raises(InvalidArgumentError):
            t.set_node_vcpus(1, v)
    assert t.to_dict() == before


def test_values_in_range_arrive_unchanged(rng):
    t = Topology(4, 4)
    for _ in range(ROUNDS):
        size = rng.choice([0, 1, U32 - 1, U32, U32 + 1, U64 - 1, rng.randrange(U64)])
        free = rng.randrange(size + 1)
        t.set_node_memory(3, size, free)
        assert t.node_memory(3) == (size, free)
        vc = rng.randrange(2**31)
        t.set_node_vcpus(2, vc)
        assert t.node_vcpus(2) == vc
        n = rng.randrange(1, 4097)
        m = NodeMap([], size=n)
        assert m.size == n
        nodes = {rng.randrange(n) for _ in range(rng.randrange(5))}
        m = NodeMap(nodes, size=n)
        assert set(m) == nodes
        nr_bits = rng.randrange(max(nodes, default=-1) + 1, n + 64)
        raw = m.to_bytes(nr_bits)
        assert len(raw) == (nr_bits + 7) // 8
        assert set(NodeMap.from_bytes(raw, nr_bits=nr_bits, size=n)) == nodes


def test_place_memory_is_not_wrapped():
    t = topology()
    # 2**64 + 1 GiB used to be placed as 1 GiB, -1 as UINT64_MAX.
    with pytest.raises(InvalidArgumentError):
        t.place(U64 + (1 << 30), 1)
    with pytest.raises(InvalidArgumentError):
        t.place(-1, 1)
    # UINT64_MAX itself is a real request, far too big.
    with pytest.raises(nodeaff.NoSpaceError):
        t.place(U64 - 1, 1, strict=True)
    assert t.place(1 << 30, 1).memory_bytes == 1 << 30


def test_distance_node_is_not_wrapped():
    t = topology()
    with pytest.raises(OutOfRangeError):
        t.set_distance(0, U32 + 1, 30)
    assert t.distance(0, 1) == 20


def test_raw_export_and_import_do_not_overrun():
    # to_bytes(-1) passed nr_bits 0xffffffff for a 1-byte buffer: a crash.
    with pytest.raises(InvalidArgumentError):
        NodeMap([0]).to_bytes(-1)
    with pytest.raises(InvalidArgumentError):
        NodeMap.from_bytes(bytes(1), nr_bits=-1)
    with pytest.raises(ValueError):
        NodeMap.from_bytes(bytes(1), nr_bits=9)


def random_other(rng):
    """A set of anything: ids, negatives, huge ints, other types."""
    pool = [0, 1, 2, 3, 63, 64, 65535, 65536, -1, 2**64, "a", None, 1.5, (1,)]
    return {rng.choice(pool) for _ in range(rng.randrange(4))}


def test_comparisons_behave_as_frozenset(rng):
    # NodeMap([1]) == {-1} and `in [{"a"}, {1}]` used to raise.
    assert (NodeMap([1]) == {-1}) is False
    assert NodeMap([1]) in [{"a"}, {1}]
    assert NodeMap([1]) != {"a"}
    for _ in range(ROUNDS):
        nodes = {rng.randrange(4) for _ in range(rng.randrange(4))}
        m, f = NodeMap(nodes), frozenset(nodes)
        other = random_other(rng)
        assert (m == other) == (f == other), (nodes, other)
        assert (m != other) == (f != other), (nodes, other)
        assert (m <= other) == (f <= other), (nodes, other)
        assert (m >= other) == (f >= other), (nodes, other)
        assert (m < other) == (f < other), (nodes, other)
        assert (m > other) == (f > other), (nodes, other)


def test_huge_node_is_refused_before_building_it():
    # NodeMap([2**64]) built a 2**64-bit int before its range check.
    with pytest.raises(OutOfRangeError):
        NodeMap([2**64])
    with pytest.raises(OutOfRangeError):
        NodeMap([10**30], size=8)
