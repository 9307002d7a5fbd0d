# SPDX-License-Identifier: LGPL-2.1-or-later
"""Topologies, placement, the nodes= config value, and the hypervisor handle.

Everything returns plain Python values: ints, lists, dicts, NodeMaps and
the small frozen dataclasses below.  Memory is in bytes, usage in pages.

Every integer argument is checked before it reaches C (see _cvalues): a
non-integer raises TypeError; a node or CPU id that C cannot hold
OutOfRangeError (as one beyond the topology does); a memory amount, vCPU
count, distance, node or CPU count, or domain id that C cannot hold
InvalidArgumentError.  Nothing is ever truncated to fit.
"""

from __future__ import annotations

import ctypes
import enum
import errno
import os
import weakref
from dataclasses import asdict, dataclass
from typing import Any, Iterable, Optional, Union

from . import _lib
from ._cvalues import c_id, c_uint, c_uint64
from ._lib import lib
from .errors import (ClaimShortError, InvalidArgumentError, OutOfRangeError, ParseError, check,
                     error_from_errno)
from .nodemap import NodeMap, Text, _check_text, _decode, _encode, parse_reason_str

__all__ = [
    "Feature", "Topology", "NodeInfo", "Placement", "Candidate", "ConfigNodes",
    "AffinityState", "Claim", "Host", "place", "config_nodes",
]

NodesArg = Union[NodeMap, Text, Iterable[int]]


class Feature(enum.IntFlag):
    """What the running hypervisor offers (NODEAFF_FEATURE_*)."""

    AFFINITY = _lib.FEATURE_AFFINITY  #: set/get/reset: upstream Xen
    STRICT = _lib.FEATURE_STRICT      #: strict binding: the libnodeaff series
    USAGE = _lib.FEATURE_USAGE        #: per-node page usage
    STATE = _lib.FEATURE_STATE        #: explicit/automatic, strict or not
    CLAIMS = _lib.FEATURE_CLAIMS      #: per-node claims: series patch 0008


@dataclass(frozen=True)
class NodeInfo:
    """One node of a topology.  size, free and claimed (the bytes of free
    that domains have claimed) are None for an offline node."""

    id: int
    online: bool
    size: Optional[int]
    free: Optional[int]
    cpus: list[int]
    vcpus: int
    claimed: Optional[int] = None


@dataclass(frozen=True)
class Claim:
    """A domain's outstanding node claims: ``pages[n]`` 4 KiB pages on node
    n, and its host-wide XENMEM_claim_pages claim in pages (``host_wide``),
    which a domain with node claims never has."""

    pages: list[int]
    host_wide: int

    @property
    def total(self) -> int:
        return sum(self.pages)


@dataclass(frozen=True)
class Candidate:
    """One node set placement considered (candidate 0 won)."""

    nodes: NodeMap
    free_bytes: int
    max_distance: int
    vcpus: int
    verdict: str


@dataclass(frozen=True)
class Placement:
    """The result of nodeaff_place(): the chosen nodes and every candidate,
    ranked.  ``short`` is True when even the chosen set has less free memory
    than asked (possible only for preferred placement: warn)."""

    nodes: NodeMap
    candidates: list[Candidate]
    memory_bytes: int

    @property
    def short(self) -> bool:
        return self.candidates[0].free_bytes < self.memory_bytes if self.candidates else False


@dataclass(frozen=True)
class ConfigNodes:
    """The meaning of an xl-style nodes= value: ``auto`` True if the value
    was "auto" (nodes is then the placement), False for an explicit set."""

    nodes: NodeMap
    auto: bool


@dataclass(frozen=True)
class AffinityState:
    """A domain's node affinity and its mode, read together.

    ``automatic``: the hypervisor computes the set (NODEAFF_AUTO);
    ``strict``: allocations outside the set fail (NODEAFF_STRICT)."""

    nodes: NodeMap
    automatic: bool
    strict: bool

    @property
    def mode(self) -> str:
        """"automatic", "strict" or "preferred"."""
        return "automatic" if self.automatic else "strict" if self.strict else "preferred"

    def to_dict(self) -> dict[str, Any]:
        return {"nodes": list(self.nodes), "automatic": self.automatic,
                "strict": self.strict, "mode": self.mode}


def _domid(domid: Any, function: str) -> int:
    """A domain id for a uint32_t parameter: InvalidArgumentError if C
    cannot hold it (2**32 would otherwise act on domain 0)."""
    return c_uint(domid, "domid", function)


def _as_nodemap(nodes: NodesArg, size: int) -> NodeMap:
    if isinstance(nodes, NodeMap):
        return nodes
    if isinstance(nodes, (str, bytes)):
        return NodeMap.parse(nodes, size)
    return NodeMap(nodes, size=size)


class Topology:
    """A snapshot of a host: nodes (online or not, memory size and free
    memory in bytes), CPUs and their nodes, distances, vCPUs already placed.

    Made by ``Topology.from_file(path)``, ``Host.topology()``, or
    ``Topology(nr_nodes, nr_cpus)`` plus the setters, for what-if placement.
    """

    __slots__ = ("_ptr", "_finalizer", "__weakref__")

    def __init__(self, nr_nodes: int, nr_cpus: int = 0) -> None:
        fn = "nodeaff_topology_new"
        nr_nodes = c_uint(nr_nodes, "nr_nodes", fn)
        nr_cpus = c_uint(nr_cpus, "nr_cpus", fn)
        ptr = _lib.topology_p()
        check(lib.nodeaff_topology_new(nr_nodes, nr_cpus, ctypes.byref(ptr)),
              "nodeaff_topology_new")
        self._adopt(ptr)

    def _adopt(self, ptr: Any) -> None:
        self._ptr = ptr
        self._finalizer = weakref.finalize(self, lib.nodeaff_topology_free, ptr)

    @classmethod
    def _from_ptr(cls, ptr: Any) -> "Topology":
        self = cls.__new__(cls)
        self._adopt(ptr)
        return self

    @classmethod
    def from_file(cls, path: Union[str, os.PathLike]) -> "Topology":
        """Reads a topology file (format: nodeaff(1)).  A malformed file
        raises InvalidArgumentError with ``.line`` (1-based, 0 when there is
        no node line) and the path as ``.filename``; an unreadable one the
        OSError for its errno."""
        ptr = _lib.topology_p()
        line = ctypes.c_uint(0)
        r = lib.nodeaff_topology_from_file(os.fsencode(path), ctypes.byref(ptr),
                                           ctypes.byref(line))
        if r < 0:
            e = error_from_errno(r, "nodeaff_topology_from_file")
            e.filename = os.fspath(path)
            if r == -errno.EINVAL:
                e.line = line.value  # type: ignore[attr-defined]
                e.strerror = f"malformed topology file, line {line.value}"
            raise e
        return cls._from_ptr(ptr)

    # -- getters -------------------------------------------------------------

    @property
    def nr_nodes(self) -> int:
        return check(lib.nodeaff_topology_nr_nodes(self._ptr), "nodeaff_topology_nr_nodes")

    @property
    def nr_cpus(self) -> int:
        return check(lib.nodeaff_topology_nr_cpus(self._ptr), "nodeaff_topology_nr_cpus")

    @property
    def online_nodes(self) -> NodeMap:
        ptr = _lib.nodemap_p()
        check(lib.nodeaff_topology_online_nodes(self._ptr, ctypes.byref(ptr)),
              "nodeaff_topology_online_nodes")
        return NodeMap._from_ptr(ptr)

    def node_memory(self, node: int) -> tuple[int, int]:
        """(size, free) in bytes; NotFoundError if the node is offline."""
        node = c_id(node, "node", "nodeaff_topology_node_memory")
        size, free = ctypes.c_uint64(), ctypes.c_uint64()
        check(lib.nodeaff_topology_node_memory(self._ptr, node, ctypes.byref(size),
                                               ctypes.byref(free)),
              "nodeaff_topology_node_memory")
        return size.value, free.value

    def distance(self, a: int, b: int) -> int:
        """The distance from a to b (10 is local); NotFoundError if unknown."""
        a = c_id(a, "node", "nodeaff_topology_distance")
        b = c_id(b, "node", "nodeaff_topology_distance")
        return check(lib.nodeaff_topology_distance(self._ptr, a, b), "nodeaff_topology_distance")

    def cpu_node(self, cpu: int) -> Optional[int]:
        """The node of a CPU, None if it is on no (online) node."""
        cpu = c_id(cpu, "cpu", "nodeaff_topology_cpu_node")
        r = lib.nodeaff_topology_cpu_node(self._ptr, cpu)
        if r == -errno.ENOENT:
            return None
        return check(r, "nodeaff_topology_cpu_node")

    def node_cpus(self, node: int) -> list[int]:
        node = c_id(node, "node", "nodeaff_topology_node_cpus")
        ptr = _lib.nodemap_p()
        check(lib.nodeaff_topology_node_cpus(self._ptr, node, ctypes.byref(ptr)),
              "nodeaff_topology_node_cpus")
        return list(NodeMap._from_ptr(ptr))

    def node_vcpus(self, node: int) -> int:
        node = c_id(node, "node", "nodeaff_topology_node_vcpus")
        return check(lib.nodeaff_topology_node_vcpus(self._ptr, node),
                     "nodeaff_topology_node_vcpus")

    def node_claimed(self, node: int) -> int:
        """Bytes of the node's free memory that domains have claimed;
        NotFoundError if the node is offline."""
        node = c_id(node, "node", "nodeaff_topology_node_claimed")
        claimed = ctypes.c_uint64()
        check(lib.nodeaff_topology_node_claimed(self._ptr, node, ctypes.byref(claimed)),
              "nodeaff_topology_node_claimed")
        return claimed.value

    def node(self, node: int) -> NodeInfo:
        node = c_id(node, "node", "nodeaff_topology_node_cpus")
        online = node in self.online_nodes
        size = free = claimed = None
        if online:
            size, free = self.node_memory(node)
            claimed = self.node_claimed(node)
        return NodeInfo(node, online, size, free, self.node_cpus(node), self.node_vcpus(node),
                        claimed)

    @property
    def nodes(self) -> list[NodeInfo]:
        return [self.node(n) for n in range(self.nr_nodes)]

    def distances(self) -> list[list[Optional[int]]]:
        """The distance matrix; None where a distance is unknown."""
        n = self.nr_nodes
        out: list[list[Optional[int]]] = []
        for a in range(n):
            row: list[Optional[int]] = []
            for b in range(n):
                r = lib.nodeaff_topology_distance(self._ptr, a, b)
                row.append(r if r >= 0 else None)
            out.append(row)
        return out

    def to_dict(self) -> dict[str, Any]:
        """Everything as plain Python: {"nr_nodes", "nr_cpus", "nodes": [...],
        "distances": [[...]]}."""
        return {"nr_nodes": self.nr_nodes, "nr_cpus": self.nr_cpus,
                "nodes": [asdict(n) for n in self.nodes], "distances": self.distances()}

    # -- setters (topologies built by hand) ----------------------------------

    def set_node_online(self, node: int, online: bool) -> None:
        node = c_id(node, "node", "nodeaff_topology_set_node_online")
        check(lib.nodeaff_topology_set_node_online(self._ptr, node, int(bool(online))),
              "nodeaff_topology_set_node_online")

    def set_node_memory(self, node: int, size: int, free: Optional[int] = None) -> None:
        fn = "nodeaff_topology_set_node_memory"
        node = c_id(node, "node", fn)
        size = c_uint64(size, "size", fn)
        free = size if free is None else c_uint64(free, "free", fn)
        check(lib.nodeaff_topology_set_node_memory(self._ptr, node, size, free),
              "nodeaff_topology_set_node_memory")

    def set_node_claimed(self, node: int, claimed: int) -> None:
        """Bytes of the node's free memory claimed by domains; set the
        memory first (InvalidArgumentError above free)."""
        fn = "nodeaff_topology_set_node_claimed"
        node = c_id(node, "node", fn)
        claimed = c_uint64(claimed, "claimed", fn)
        check(lib.nodeaff_topology_set_node_claimed(self._ptr, node, claimed), fn)

    def set_distance(self, a: int, b: int, distance: int) -> None:
        fn = "nodeaff_topology_set_distance"
        a, b = c_id(a, "node", fn), c_id(b, "node", fn)
        distance = c_uint(distance, "distance", fn)
        check(lib.nodeaff_topology_set_distance(self._ptr, a, b, distance),
              "nodeaff_topology_set_distance")

    def set_cpu_node(self, cpu: int, node: int) -> None:
        fn = "nodeaff_topology_set_cpu_node"
        cpu, node = c_id(cpu, "cpu", fn), c_id(node, "node", fn)
        check(lib.nodeaff_topology_set_cpu_node(self._ptr, cpu, node),
              "nodeaff_topology_set_cpu_node")

    def set_node_vcpus(self, node: int, vcpus: int) -> None:
        fn = "nodeaff_topology_set_node_vcpus"
        node, vcpus = c_id(node, "node", fn), c_uint(vcpus, "vcpus", fn)
        check(lib.nodeaff_topology_set_node_vcpus(self._ptr, node, vcpus),
              "nodeaff_topology_set_node_vcpus")

    # -- placement -----------------------------------------------------------

    def place(self, memory_bytes: int, vcpus: int, strict: bool = False) -> Placement:
        """Picks the node set for a new domain (nodeaff_place(3)).
        NoSpaceError (ENOSPC) if nothing fits."""
        return place(self, memory_bytes, vcpus, strict)

    def config_nodes(self, value: Text, memory_bytes: int = 0, vcpus: int = 0,
                     strict: bool = False) -> ConfigNodes:
        """Interprets an xl-style nodes= value on this topology."""
        return config_nodes(value, self, memory_bytes, vcpus, strict)

    def claim_split(self, nodes: NodesArg, memory_bytes: int) -> list[int]:
        """Pages to claim on each node id of this topology for memory_bytes
        over nodes (nodeaff_claim_split(3)): evenly by free unclaimed
        memory.  NodeaffError with errno ENOMEM if the nodes lack it,
        InvalidArgumentError for an empty set or an offline node."""
        fn = "nodeaff_claim_split"
        memory_bytes = c_uint64(memory_bytes, "memory_bytes", fn)
        n = self.nr_nodes
        m = _as_nodemap(nodes, n)
        buf = (ctypes.c_uint64 * n)()
        got = check(lib.nodeaff_claim_split(self._ptr, m._ptr, memory_bytes, buf, n), fn)
        return list(buf[:got])


def place(topology: Topology, memory_bytes: int, vcpus: int, strict: bool = False) -> Placement:
    """Picks the node set for a new domain of memory_bytes and vcpus on
    topology (preferred, or strict: the set must hold all the memory).
    InvalidArgumentError for a memory size or vCPU count C cannot hold."""
    memory_bytes = c_uint64(memory_bytes, "memory_bytes", "nodeaff_place")
    vcpus = c_uint(vcpus, "vcpus", "nodeaff_place")
    if not isinstance(topology, Topology):
        raise TypeError(f"topology must be a Topology, not {type(topology).__name__}")
    ptr = _lib.placement_p()
    check(lib.nodeaff_place(topology._ptr, memory_bytes, vcpus,
                            _lib.STRICT if strict else 0, ctypes.byref(ptr)), "nodeaff_place")
    try:
        nodes = NodeMap._copy_of(lib.nodeaff_placement_nodes(ptr))
        cands = []
        for i in range(check(lib.nodeaff_placement_nr_candidates(ptr),
                             "nodeaff_placement_nr_candidates")):
            cn = _lib.nodemap_p()
            free = ctypes.c_uint64()
            dist = ctypes.c_uint()
            vc = ctypes.c_uint()
            verdict = ctypes.c_char_p()
            check(lib.nodeaff_placement_candidate(ptr, i, ctypes.byref(cn), ctypes.byref(free),
                                                  ctypes.byref(dist), ctypes.byref(vc),
                                                  ctypes.byref(verdict)),
                  "nodeaff_placement_candidate")
            cands.append(Candidate(NodeMap._copy_of(cn), free.value, dist.value, vc.value,
                                   (verdict.value or b"").decode("utf-8", "replace")))
    finally:
        lib.nodeaff_placement_free(ptr)
    return Placement(nodes, cands, memory_bytes)


def config_nodes(value: Text, topology: Topology, memory_bytes: int = 0, vcpus: int = 0,
                 strict: bool = False) -> ConfigNodes:
    """Interprets the right-hand side of an xl-style nodes= line:
    '["0","3"]', '"0-3,^2"', '0-3' or '"auto"' (placement then needs
    memory_bytes and vcpus).  A bad nodeset raises ParseError (column from
    the start of value, quotes included); an offline node NotFoundError."""
    memory_bytes = c_uint64(memory_bytes, "memory_bytes", "nodeaff_config_nodes")
    vcpus = c_uint(vcpus, "vcpus", "nodeaff_config_nodes")
    if not isinstance(topology, Topology):
        raise TypeError(f"topology must be a Topology, not {type(topology).__name__}")
    if not isinstance(value, (str, bytes)):
        raise TypeError(f"value must be str or bytes, not {type(value).__name__}")
    raw = _encode(value)
    _check_text(raw, value, "nodeaff_config_nodes")
    ptr = _lib.nodemap_p()
    reason = ctypes.c_int(0)
    column = ctypes.c_uint(0)
    r = lib.nodeaff_config_nodes(raw, topology._ptr, memory_bytes, vcpus,
                                 _lib.STRICT if strict else 0, ctypes.byref(ptr),
                                 ctypes.byref(reason), ctypes.byref(column))
    if r < 0:
        if reason.value:
            raise ParseError(-r, parse_reason_str(reason.value), column.value, reason.value,
                             _decode(value), "nodeaff_config_nodes")
        check(r, "nodeaff_config_nodes")
    return ConfigNodes(NodeMap._from_ptr(ptr), r == _lib.CONFIG_AUTO)


class Host:
    """A handle on the local hypervisor (nodeaff_open): use as a context
    manager, or call close().  Needs dom0 and root; elsewhere opening raises
    NotFoundError or PermissionDeniedError.  A Host may be shared between
    threads (the C handle serializes its calls)."""

    def __init__(self) -> None:
        ptr = _lib.handle_p()
        check(lib.nodeaff_open(0, ctypes.byref(ptr)), "nodeaff_open")
        self._ptr: Any = ptr
        self._finalizer = weakref.finalize(self, lib.nodeaff_close, ptr)
        self._nr_nodes: Optional[int] = None

    @classmethod
    def open(cls) -> "Host":
        """The same as Host()."""
        return cls()

    def close(self) -> None:
        """Closes the handle; further calls raise ValueError."""
        self._finalizer()
        self._ptr = None

    def __enter__(self) -> "Host":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def closed(self) -> bool:
        return self._ptr is None

    def _h(self) -> Any:
        if self._ptr is None:
            raise ValueError("nodeaff.Host is closed")
        return self._ptr

    # -- host ----------------------------------------------------------------

    @property
    def features(self) -> Feature:
        """The Feature bits the hypervisor offers."""
        return Feature(check(lib.nodeaff_features(self._h()), "nodeaff_features"))

    def has(self, feature: Feature) -> bool:
        return bool(self.features & feature)

    def topology(self) -> Topology:
        """The hypervisor's topology, read now."""
        ptr = _lib.topology_p()
        check(lib.nodeaff_topology_from_host(self._h(), ctypes.byref(ptr)),
              "nodeaff_topology_from_host")
        return Topology._from_ptr(ptr)

    @property
    def nr_nodes(self) -> int:
        """The host's node count (read once, then cached)."""
        if self._nr_nodes is None:
            self._nr_nodes = self.topology().nr_nodes
        return self._nr_nodes

    def domains(self) -> list[int]:
        """The existing domains' ids, ascending."""
        room = 64
        while True:
            buf = (ctypes.c_uint32 * room)()
            n = check(lib.nodeaff_domain_list(self._h(), buf, room), "nodeaff_domain_list")
            if n <= room:
                return list(buf[:n])
            room = n + 16

    # -- domains -------------------------------------------------------------

    def set_affinity(self, domid: int, nodes: NodesArg, strict: bool = False) -> None:
        """Sets a domain's node affinity: preferred (may spill) or strict
        (allocations outside nodes fail; NotSupportedError on stock Xen).
        nodes is a NodeMap, a nodeset text ("0-1") or an iterable of ids."""
        domid = _domid(domid, "nodeaff_domain_set_affinity")
        m = _as_nodemap(nodes, self.nr_nodes)
        check(lib.nodeaff_domain_set_affinity(self._h(), domid, m._ptr,
                                              _lib.STRICT if strict else 0),
              "nodeaff_domain_set_affinity")

    def get_affinity(self, domid: int) -> NodeMap:
        """A domain's node affinity (a map of the host's node count)."""
        domid = _domid(domid, "nodeaff_domain_get_affinity")
        ptr = _lib.nodemap_p()
        check(lib.nodeaff_domain_get_affinity(self._h(), domid, ctypes.byref(ptr)),
              "nodeaff_domain_get_affinity")
        return NodeMap._from_ptr(ptr)

    def get_state(self, domid: int) -> AffinityState:
        """The affinity and its mode, read together (NotSupportedError on
        stock Xen)."""
        domid = _domid(domid, "nodeaff_domain_get_state")
        ptr = _lib.nodemap_p()
        flags = ctypes.c_uint(0)
        check(lib.nodeaff_domain_get_state(self._h(), domid, ctypes.byref(ptr),
                                           ctypes.byref(flags)),
              "nodeaff_domain_get_state")
        return AffinityState(NodeMap._from_ptr(ptr), bool(flags.value & _lib.AUTO),
                             bool(flags.value & _lib.STRICT))

    def reset_affinity(self, domid: int) -> None:
        """Back to automatic affinity, not strict."""
        domid = _domid(domid, "nodeaff_domain_reset_affinity")
        check(lib.nodeaff_domain_reset_affinity(self._h(), domid),
              "nodeaff_domain_reset_affinity")

    def usage(self, domid: int) -> list[int]:
        """Pages the domain owns on each node, indexed by node id
        (NotSupportedError on stock Xen)."""
        domid = _domid(domid, "nodeaff_domain_get_usage")
        room = max(self.nr_nodes, 1)
        while True:
            buf = (ctypes.c_uint64 * room)()
            r = lib.nodeaff_domain_get_usage(self._h(), domid, buf, room)
            if r == -errno.ENOBUFS and room < _lib.NODEMAP_MAX_NODES:  # more nodes than thought
                room *= 2
                continue
            n = check(r, "nodeaff_domain_get_usage")
            return list(buf[:n])

    # -- node claims (NODEAFF_FEATURE_CLAIMS) ---------------------------------

    def claim(self, domid: int, pages: Union[Iterable[int], dict[int, int]]) -> None:
        """Claims pages for the domain per node, all or nothing, replacing
        its previous claim: a list (pages[n] on node n) or a dict
        {node: pages}; all zeros cancels.  ClaimShortError (ENOMEM, with
        ``node`` and ``available``) if a node or the host lacks free
        unclaimed pages; OutOfRangeError for a nonzero count on a node the
        host lacks; InvalidArgumentError (offline node, more than the
        domain may still own); NotSupportedError without Feature.CLAIMS."""
        fn = "nodeaff_domain_claim"
        domid = _domid(domid, fn)
        counts = self._claim_counts(pages, fn)
        buf = (ctypes.c_uint64 * max(len(counts), 1))(*counts)
        node = ctypes.c_uint32(0)
        avail = ctypes.c_uint64(0)
        r = lib.nodeaff_domain_claim(self._h(), domid, buf, len(counts),
                                     ctypes.byref(node), ctypes.byref(avail))
        if r == -errno.ENOMEM:
            where = None if node.value == _lib.CLAIM_HOST else node.value
            what = "the host" if where is None else f"node {where}"
            raise ClaimShortError(errno.ENOMEM,
                                  f"{what} has only {avail.value} free unclaimed pages "
                                  f"for domain {domid}; nothing was claimed", fn,
                                  where, avail.value)
        check(r, fn)

    def _claim_counts(self, pages: Union[Iterable[int], dict[int, int]], fn: str) -> list[int]:
        """pages as a list indexed by node, each count checked for C.  A
        nonzero count on a node no Xen host has (64 and up) is
        OutOfRangeError here, as the library would say for one beyond this
        host, without building a huge list; no host read is needed."""
        if isinstance(pages, (str, bytes)):
            raise TypeError("pages must be a list or a dict of page counts, not str")
        top = _lib.TOPOLOGY_MAX_NODES
        if isinstance(pages, dict):
            counts = [0] * top
            for node, count in pages.items():
                node = c_id(node, "node", fn)
                count = c_uint64(count, "pages", fn)
                if node >= top:
                    if count:
                        raise OutOfRangeError(errno.ERANGE, f"node {node} is beyond any "
                                              f"host's (0..{top - 1})", fn)
                    continue
                counts[node] = count
            return counts
        counts = [c_uint64(c, "pages", fn) for c in pages]
        if len(counts) > top:
            if any(counts[top:]):
                raise OutOfRangeError(errno.ERANGE, f"a count for node {top} or beyond: "
                                      f"beyond any host's (0..{top - 1})", fn)
            counts = counts[:top]
        return counts

    def cancel_claim(self, domid: int) -> None:
        """Cancels the domain's node claims (no error if it has none)."""
        fn = "nodeaff_domain_cancel_claim"
        domid = _domid(domid, fn)
        check(lib.nodeaff_domain_cancel_claim(self._h(), domid), fn)

    def get_claim(self, domid: int) -> Claim:
        """The domain's outstanding node claims per node, and its host-wide
        claim (NotSupportedError without Feature.CLAIMS)."""
        fn = "nodeaff_domain_get_claim"
        domid = _domid(domid, fn)
        room = _lib.TOPOLOGY_MAX_NODES    # room for any host: no host read
        buf = (ctypes.c_uint64 * room)()
        wide = ctypes.c_uint64(0)
        n = check(lib.nodeaff_domain_get_claim(self._h(), domid, buf, room,
                                               ctypes.byref(wide)), fn)
        return Claim(list(buf[:n]), wide.value)

    def host_claims(self) -> Claim:
        """The host's node-claimed pages per node over all domains;
        ``host_wide`` is every outstanding claim, XENMEM_claim_pages ones
        included (physinfo's outstanding_pages)."""
        fn = "nodeaff_host_claims"
        room = _lib.TOPOLOGY_MAX_NODES
        buf = (ctypes.c_uint64 * room)()
        all_claims = ctypes.c_uint64(0)
        n = check(lib.nodeaff_host_claims(self._h(), buf, room, ctypes.byref(all_claims)), fn)
        return Claim(list(buf[:n]), all_claims.value)
