# SPDX-License-Identifier: LGPL-2.1-or-later
"""Topology files, placement and the nodes= config value, against the C
command's view of the same files (nodeaff --json topology / place)."""

import errno
import json
import os

import pytest

import nodeaff
from nodeaff import (InvalidArgumentError, NoSpaceError, NotFoundError, ParseError,
                     Topology, config_nodes, place)

from conftest import SEED, run, topologies

GiB = 1 << 30
MiB = 1 << 20


@pytest.mark.parametrize("path", topologies(), ids=os.path.basename)
def test_topology_matches_the_c_command(path, tool):
    t = Topology.from_file(path)
    p = run([tool, "--json", "topology", "--topology", path], text=True)
    assert p.returncode == 0, p.stderr
    want = json.loads(p.stdout)
    assert (t.nr_nodes, t.nr_cpus) == (want["nr_nodes"], want["nr_cpus"])
    d = t.to_dict()
    for mine, c in zip(d["nodes"], want["nodes"]):
        assert mine["id"] == c["node"] and mine["online"] == c["online"]
        assert (mine["size"], mine["free"]) == (c["memory_bytes"], c["free_bytes"])
        assert mine["claimed"] == c["claimed_bytes"]
        assert mine["cpus"] == c["cpus"] and mine["vcpus"] == c["vcpus"]
    assert d["distances"] == want["distances"]
    for cpu in range(t.nr_cpus):
        assert cpu in t.node_cpus(t.cpu_node(cpu))
    assert t.online_nodes == nodeaff.NodeMap(range(t.nr_nodes))


@pytest.mark.parametrize("path", topologies(), ids=os.path.basename)
def test_placement_matches_the_c_command(path, tool, rng):
    t = Topology.from_file(path)
    total_free = sum(n.free for n in t.nodes if n.online)
    for _ in range(25):
        mem = rng.randrange(64, max(65, (total_free + GiB) // MiB)) * MiB
        vcpus = rng.randint(1, 2 * t.nr_cpus)
        strict = rng.random() < 0.5
        args = [tool, "--json", "place", "--explain", "--topology", path,
                "--memory", f"{mem // MiB}M", "--vcpus", str(vcpus)] + \
            (["--strict"] if strict else [])
        p = run(args, text=True)
        ctx = f"seed {SEED}: {os.path.basename(path)} {mem // MiB}M {vcpus} vcpus strict={strict}"
        try:
            got = place(t, mem, vcpus, strict=strict)
        except NoSpaceError as e:
            assert e.errno == errno.ENOSPC and strict, ctx
            assert p.returncode == 1, ctx
            continue
        assert p.returncode == 0, f"{ctx}: {p.stderr}"
        want = json.loads(p.stdout)
        assert list(got.nodes) == want["nodes"], ctx
        assert got.short == (not want["fits"]), ctx
        assert [list(c.nodes) for c in got.candidates] == \
            [c["nodes"] for c in want["candidates"]], ctx
        for c, w in zip(got.candidates, want["candidates"]):
            assert (c.free_bytes // MiB, c.max_distance, c.vcpus, c.verdict) == \
                (w["free_mib"], w["max_distance"], w["vcpus"], w["verdict"]), ctx
        assert got.candidates[0].nodes == got.nodes


def test_place_on_a_hand_built_topology():
    t = Topology(2, 2)
    t.set_cpu_node(0, 0)
    t.set_cpu_node(1, 1)
    t.set_node_memory(0, 4 * GiB, 1 * GiB)
    t.set_node_memory(1, 4 * GiB)
    t.set_distance(0, 1, 21)
    assert t.distance(1, 0) == 20 and t.distance(0, 1) == 21
    assert place(t, 2 * GiB, 1).nodes == {1}
    assert t.place(7 * GiB, 2).nodes == {0, 1}
    with pytest.raises(NoSpaceError):
        t.place(6 * GiB, 2, strict=True)
    t.set_node_online(1, False)
    assert t.node(1).online is False and t.node(1).size is None
    with pytest.raises(NotFoundError):
        t.node_memory(1)
    with pytest.raises(InvalidArgumentError):
        t.set_distance(0, 1, 9)
    with pytest.raises(nodeaff.OutOfRangeError):
        t.set_cpu_node(5, 0)
    with pytest.raises(InvalidArgumentError):
        t.place(0, 1)


def test_config_nodes_value():
    t = Topology.from_file(os.path.join(os.path.dirname(topologies()[0]), "2node.topo"))
    assert config_nodes('["0","1"]', t) == nodeaff.ConfigNodes(nodeaff.NodeMap([0, 1]), False)
    assert t.config_nodes('"0-1,^0"').nodes == {1}
    assert t.config_nodes("1").auto is False
    auto = t.config_nodes('"auto"', 256 * MiB, 1)
    assert auto.auto is True and auto.nodes == place(t, 256 * MiB, 1).nodes
    with pytest.raises(ParseError) as e:
        t.config_nodes('"0-1,^"')
    assert (e.value.column, e.value.errno, e.value.function) == (7, errno.EINVAL,
                                                                  "nodeaff_config_nodes")
    with pytest.raises(ParseError) as e:
        t.config_nodes('"5"')
    assert e.value.errno == errno.ERANGE and e.value.column == 2
    with pytest.raises(InvalidArgumentError):
        t.config_nodes("none")                        # an empty set
    t2 = Topology(2, 1)
    t2.set_cpu_node(0, 0)
    t2.set_node_online(1, False)
    with pytest.raises(NotFoundError) as e:
        t2.config_nodes("1")
    assert e.value.errno == errno.ENOENT


def test_topology_file_errors(tmp_path):
    with pytest.raises(NotFoundError) as e:
        Topology.from_file(tmp_path / "nope.topo")
    assert e.value.errno == errno.ENOENT and isinstance(e.value, FileNotFoundError)
    bad = tmp_path / "bad.topo"
    bad.write_text("node 0 mem=1G cpus=0\nnode 1 mem=banana\n")
    with pytest.raises(InvalidArgumentError) as e:
        Topology.from_file(bad)
    assert e.value.line == 2 and e.value.filename == str(bad)
    assert "line 2" in str(e.value)
