# SPDX-License-Identifier: LGPL-2.1-or-later
"""Node claims (LIBNODEAFF_1.2) without a hypervisor: claimed memory in
topologies, claim_split, placement by free minus claimed, and Host.claim's
argument handling.  The claim calls themselves are the rig's."""

import errno
import os
import pickle
import re

import pytest

import nodeaff
from nodeaff import (ClaimShortError, Host, InvalidArgumentError, NodeaffError, NotFoundError,
                     OutOfRangeError, Topology)
from nodeaff import _lib

from conftest import SRCDIR, TOPO_DIR

GiB = 1 << 30
MiB = 1 << 20
PAGE = 4096


def two_nodes(free0=8 * GiB, free1=4 * GiB):
    t = Topology(2, 2)
    for n, free in enumerate((free0, free1)):
        t.set_node_memory(n, free)
        t.set_cpu_node(n, n)
    return t


def closed_host():
    h = Host.__new__(Host)
    h._ptr = None
    h._nr_nodes = 4
    return h


def test_claimed_from_a_file():
    t = Topology.from_file(f"{TOPO_DIR}/claimed.topo")
    assert [n.claimed for n in t.nodes] == [6 * GiB, 512 * MiB]
    assert t.node_claimed(1) == 512 * MiB


def test_set_node_claimed_checks_and_changes_nothing_on_failure():
    t = two_nodes()
    assert t.node_claimed(0) == 0
    t.set_node_claimed(0, 8 * GiB)
    assert t.node(0).claimed == 8 * GiB
    with pytest.raises(InvalidArgumentError):
        t.set_node_claimed(1, 4 * GiB + 1)     # more than free
    with pytest.raises(OutOfRangeError):
        t.set_node_claimed(2, 0)
    assert t.node_claimed(1) == 0
    t.set_node_online(1, False)
    with pytest.raises(NotFoundError):
        t.node_claimed(1)
    assert t.node(1).claimed is None


def test_all_claimed_node_is_not_placed_on():
    t = two_nodes()
    assert t.place(2 * GiB, 1).nodes == {0}
    t.set_node_claimed(0, 8 * GiB)
    p = t.place(2 * GiB, 1)
    assert p.nodes == {1} and p.candidates[0].free_bytes == 4 * GiB
    assert "claimed memory mattered" in p.candidates[0].verdict
    with pytest.raises(nodeaff.NoSpaceError):
        t.place(5 * GiB, 1, strict=True)


def test_claim_split():
    t = two_nodes(free0=100 * PAGE, free1=100 * PAGE)
    assert t.claim_split("0-1", 101 * PAGE) == [51, 50]
    assert t.claim_split([1], 1) == [0, 1]
    t.set_node_claimed(0, 90 * PAGE)
    assert t.claim_split({0, 1}, 60 * PAGE) == [10, 50]
    with pytest.raises(NodeaffError) as e:
        t.claim_split([0, 1], 111 * PAGE)
    assert e.value.errno == errno.ENOMEM
    with pytest.raises(InvalidArgumentError):
        t.claim_split([], PAGE)


def test_claim_arguments_are_checked_before_the_handle():
    h = closed_host()
    # A nonzero count on a node the host lacks, from a dict: the library's
    # errno, without a list of a million entries.
    with pytest.raises(OutOfRangeError):
        h.claim(1, {10**6: 1})
    with pytest.raises(TypeError):
        h.claim(1, "0:1")
    with pytest.raises(OutOfRangeError):
        h.claim(1, [0] * 64 + [1])
    with pytest.raises(OutOfRangeError):
        h.claim(1, {64: 1})
    # Good input gets as far as the (closed) handle.
    for pages in ([1, 2], {0: 1, 3: 2}, {10**6: 0}, [], [0] * 100):
        with pytest.raises(ValueError):
            h.claim(1, pages)
    for call in (lambda: h.cancel_claim(1), lambda: h.get_claim(1), h.host_claims):
        with pytest.raises(ValueError):
            call()


def test_claim_short_error():
    e = ClaimShortError(errno.ENOMEM, "node 1 has only 5 free unclaimed pages",
                        "nodeaff_domain_claim", 1, 5)
    assert isinstance(e, NodeaffError) and isinstance(e, MemoryError) and isinstance(e, OSError)
    again = pickle.loads(pickle.dumps(e))
    assert (again.errno, again.node, again.available, again.function) == \
        (errno.ENOMEM, 1, 5, "nodeaff_domain_claim")


def test_topology_max_nodes_matches_the_header():
    header = open(os.path.join(SRCDIR, "include", "nodeaff.h")).read()
    assert int(re.search(r"#define NODEAFF_TOPOLOGY_MAX_NODES (\d+)", header).group(1)) == \
        _lib.TOPOLOGY_MAX_NODES


def test_claim_value():
    c = nodeaff.Claim([3, 0, 4], 0)
    assert c.total == 7 and c.host_wide == 0
    assert nodeaff.Feature.CLAIMS == 16
