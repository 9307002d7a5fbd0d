# SPDX-License-Identifier: LGPL-2.1-or-later
"""nodeaff: Python bindings for libnodeaff (NUMA node affinity for Xen guests).

Pure Python over ctypes; loads libnodeaff.so.1 by its SONAME (or the path
in the NODEAFF_LIBRARY environment variable).

    >>> import nodeaff
    >>> m = nodeaff.NodeMap.parse("0-3,^2")
    >>> print(m, m.format("hex"), list(m), 3 in m)
    0-1,3 0xb [0, 1, 3] True
    >>> topo = nodeaff.Topology.from_file("two-nodes.topo")      # doctest: +SKIP
    >>> topo.place(512 << 20, 2).nodes                           # doctest: +SKIP
    >>> with nodeaff.Host() as h:                                # dom0, root  # doctest: +SKIP
    ...     h.set_affinity(5, "1", strict=True)
    ...     h.get_state(5), h.usage(5)

Every library error is an OSError subclass (NodeaffError) with ``errno``;
a nodeset that does not parse raises ParseError with ``column``.
"""

from .errors import (ClaimShortError, InvalidArgumentError, NodeaffError, NoSpaceError,
                     NoSuchDomainError, NotFoundError, NotSupportedError, OutOfRangeError,
                     ParseError, PermissionDeniedError)
from .host import (AffinityState, Candidate, Claim, ConfigNodes, Feature, Host, NodeInfo,
                   Placement, Topology, config_nodes, place)
from .nodemap import DEFAULT_SIZE, FORMATS, MAX_NODES, NodeMap, parse_reason_str

__version__ = "1.0.0"

__all__ = [
    "NodeMap", "DEFAULT_SIZE", "MAX_NODES", "FORMATS", "parse_reason_str",
    "Topology", "NodeInfo", "Placement", "Candidate", "ConfigNodes", "AffinityState",
    "Feature", "Host", "Claim", "place", "config_nodes",
    "NodeaffError", "ParseError", "InvalidArgumentError", "OutOfRangeError", "NotFoundError",
    "NoSuchDomainError", "PermissionDeniedError", "NotSupportedError", "NoSpaceError",
    "ClaimShortError",
]
