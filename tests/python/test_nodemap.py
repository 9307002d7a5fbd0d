# SPDX-License-Identifier: LGPL-2.1-or-later
"""NodeMap: construction, operators, formats, iteration, ownership."""

import copy
import errno
import gc
import pickle

import pytest

from nodeaff import (DEFAULT_SIZE, InvalidArgumentError, NodeMap, NodeaffError,
                     OutOfRangeError)


def test_parse_and_str():
    m = NodeMap.parse("0-3,^2")
    assert str(m) == "0-1,3"
    assert list(m) == [0, 1, 3]
    assert len(m) == 3 and m.size == DEFAULT_SIZE
    assert 3 in m and 2 not in m and 64 not in m and -1 not in m and "3" not in m


def test_constructors():
    assert NodeMap() == NodeMap([]) == NodeMap.parse("none")
    assert not NodeMap() and NodeMap([0])
    assert NodeMap("0-3,^2") == NodeMap([0, 1, 3])
    assert NodeMap((n for n in (5, 1, 5)), size=8).format("json") == "[1,5]"
    assert NodeMap([100]).size == 101          # grows past the default
    assert NodeMap([1], size=2).size == 2
    assert NodeMap.all(5) == NodeMap(range(5)) and str(NodeMap.all(5)) == "0-4"
    assert NodeMap(NodeMap([2, 3])) == NodeMap([2, 3])
    assert NodeMap([True]) == NodeMap([1])     # ints, as Python sees them
    with pytest.raises(TypeError):
        NodeMap(["1"])


def test_size_errors_are_oserrors():
    with pytest.raises(OutOfRangeError) as e:
        NodeMap([8], size=8)
    assert e.value.errno == errno.ERANGE and isinstance(e.value, OSError)
    with pytest.raises(OutOfRangeError):
        NodeMap([-1])
    with pytest.raises(InvalidArgumentError) as e:
        NodeMap(size=0)
    assert e.value.errno == errno.EINVAL and e.value.function == "nodeaff_nodemap_new"
    with pytest.raises(InvalidArgumentError):
        NodeMap.parse("0", size=65537)
    assert NodeMap.parse("65535", size=65536).last == 65535


def test_formats():
    m = NodeMap([0, 2, 3, 4, 5, 7])
    assert (str(m), m.format("hex"), m.format("json")) == ("0,2-5,7", "0xbd", "[0,2,3,4,5,7]")
    assert f"{m}|{m:hex}|{m:json}|{m:list}" == "0,2-5,7|0xbd|[0,2,3,4,5,7]|0,2-5,7"
    e = NodeMap()
    assert (str(e), e.format("hex"), e.format("json")) == ("none", "0x0", "[]")
    assert NodeMap([127], size=128).format("hex") == "0x8" + "0" * 31
    with pytest.raises(ValueError):
        m.format("yaml")
    assert repr(m) == "NodeMap.parse('0,2-5,7', size=64)"
    assert eval(repr(m), {"NodeMap": NodeMap}) == m


def test_operators():
    a, b = NodeMap([0, 1, 2, 70]), NodeMap([2, 3], size=4)
    assert a | b == NodeMap([0, 1, 2, 3, 70]) and (a | b).size == 71
    assert a & b == NodeMap([2]) and (a & b).size == 71
    assert a - b == NodeMap([0, 1, 70]) and b - a == NodeMap([3])
    assert a ^ b == NodeMap([0, 1, 3, 70])
    assert NodeMap([2]) <= b and not a <= b and b <= b and not b < b
    assert NodeMap([2]) < b and b > NodeMap([2]) and a >= NodeMap([70])
    assert a.isdisjoint([5]) and not a.isdisjoint(b)
    assert a.issubset(range(71)) and a.issuperset([0, 70])
    assert a.union([9], {10}) == NodeMap([0, 1, 2, 9, 10, 70])
    assert a.intersection([0, 1], [1]) == NodeMap([1])
    assert a.difference([0], [70]) == NodeMap([1, 2])
    assert a.symmetric_difference([2, 5]) == NodeMap([0, 1, 5, 70])
    # With Python sets, either side.
    assert a | {5} == NodeMap([0, 1, 2, 5, 70]) and {5} | a == a | {5}
    assert {0, 1} & a == NodeMap([0, 1]) and {0, 9} - a == NodeMap([9])
    assert a == {0, 1, 2, 70} and a != {0}
    assert a != "0-2,70" and (a == 3) is False
    with pytest.raises(TypeError):
        a | [1]


def test_equality_ignores_size_and_hash_follows():
    a, b = NodeMap([1, 3], size=4), NodeMap([1, 3], size=4096)
    assert a == b and hash(a) == hash(b) == hash(frozenset({1, 3}))
    assert len({a, b, NodeMap([1])}) == 2


def test_raw_layout():
    m = NodeMap([0, 2, 8])
    assert m.to_bytes(16) == b"\x05\x01"
    assert NodeMap.from_bytes(b"\x05\x01") == m
    assert NodeMap.from_bytes(b"\x05\xff", nr_bits=9) == m   # bits past nr_bits ignored
    with pytest.raises(OutOfRangeError):
        m.to_bytes(8)                       # node 8 does not fit 8 bits
    with pytest.raises(OutOfRangeError):
        NodeMap.from_bytes(b"\x00\x01", size=8)


def test_immutable_copy_pickle():
    m = NodeMap([4, 9], size=16)
    assert copy.copy(m) is m and copy.deepcopy(m) is m
    p = pickle.loads(pickle.dumps(m))
    assert p == m and p.size == 16 and p is not m
    with pytest.raises(AttributeError):
        m.foo = 1


def test_iteration_order_and_first_last():
    m = NodeMap([63, 0, 31, 32], size=64)
    assert list(m) == [0, 31, 32, 63] and m.first == 0 and m.last == 63
    assert NodeMap().first is None and NodeMap().last is None
    big = NodeMap.all(65536)
    assert len(big) == 65536 and str(big) == "0-65535"


def test_c_map_is_freed():
    m = NodeMap([1])
    fin = m._finalizer
    assert fin.alive
    del m
    gc.collect()
    assert not fin.alive                     # nodeaff_nodemap_free ran


def test_many_maps_do_not_leak_handles():
    # Thousands of temporaries: each frees its C map when dropped.
    for i in range(5000):
        (NodeMap([i % 64]) | NodeMap([1])).format("hex")


def test_errors_hierarchy():
    assert issubclass(OutOfRangeError, NodeaffError) and issubclass(NodeaffError, OSError)
