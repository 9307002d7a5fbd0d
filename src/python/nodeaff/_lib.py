# SPDX-License-Identifier: LGPL-2.1-or-later
"""The ctypes view of libnodeaff.so.1: one prototype per exported function.

Loaded by SONAME, so the dynamic linker finds the installed library the
way a C program would; NODEAFF_LIBRARY (a path) overrides that, for tests
against a build tree.  Every prototype states its argument and return
types: ctypes would otherwise pass Python ints as C int and truncate a
pointer or a uint64_t.
"""

from __future__ import annotations

import ctypes
import os
from ctypes import (POINTER, c_char_p, c_int, c_size_t, c_uint, c_uint32,
                    c_uint64, c_void_p)

SONAME = "libnodeaff.so.1"

# Mirrors of the header's constants (include/nodeaff.h).
NODEMAP_MAX_NODES = 65536
FORMAT_LIST, FORMAT_HEX, FORMAT_JSON = 0, 1, 2
FEATURE_AFFINITY, FEATURE_STRICT, FEATURE_USAGE, FEATURE_STATE = 1, 2, 4, 8
FEATURE_CLAIMS = 16
CLAIM_HOST = 0xFFFFFFFF
STRICT, AUTO = 1, 2
CONFIG_EXPLICIT, CONFIG_AUTO = 0, 1


class nodemap_t(ctypes.Structure):
    """struct nodeaff_nodemap (opaque)."""


class topology_t(ctypes.Structure):
    """struct nodeaff_topology (opaque)."""


class handle_t(ctypes.Structure):
    """struct nodeaff_handle (opaque)."""


class placement_t(ctypes.Structure):
    """struct nodeaff_placement (opaque)."""


nodemap_p = POINTER(nodemap_t)
topology_p = POINTER(topology_t)
handle_p = POINTER(handle_t)
placement_p = POINTER(placement_t)
c_uint_p = POINTER(c_uint)
c_int_p = POINTER(c_int)
c_uint64_p = POINTER(c_uint64)
c_uint32_p = POINTER(c_uint32)

# name: (restype, argtypes)
PROTOTYPES: dict[str, tuple[object, list[object]]] = {
    # nodemaps
    "nodeaff_nodemap_new": (c_int, [c_uint, POINTER(nodemap_p)]),
    "nodeaff_nodemap_copy": (c_int, [nodemap_p, POINTER(nodemap_p)]),
    "nodeaff_nodemap_free": (None, [nodemap_p]),
    "nodeaff_nodemap_size": (c_int, [nodemap_p]),
    "nodeaff_nodemap_set": (c_int, [nodemap_p, c_uint]),
    "nodeaff_nodemap_clear": (c_int, [nodemap_p, c_uint]),
    "nodeaff_nodemap_test": (c_int, [nodemap_p, c_uint]),
    "nodeaff_nodemap_set_all": (c_int, [nodemap_p]),
    "nodeaff_nodemap_clear_all": (c_int, [nodemap_p]),
    "nodeaff_nodemap_count": (c_int, [nodemap_p]),
    "nodeaff_nodemap_first": (c_int, [nodemap_p]),
    "nodeaff_nodemap_next": (c_int, [nodemap_p, c_uint]),
    "nodeaff_nodemap_last": (c_int, [nodemap_p]),
    "nodeaff_nodemap_and": (c_int, [nodemap_p, nodemap_p, nodemap_p]),
    "nodeaff_nodemap_or": (c_int, [nodemap_p, nodemap_p, nodemap_p]),
    "nodeaff_nodemap_andnot": (c_int, [nodemap_p, nodemap_p, nodemap_p]),
    "nodeaff_nodemap_xor": (c_int, [nodemap_p, nodemap_p, nodemap_p]),
    "nodeaff_nodemap_equal": (c_int, [nodemap_p, nodemap_p]),
    "nodeaff_nodemap_is_subset": (c_int, [nodemap_p, nodemap_p]),
    "nodeaff_nodemap_intersects": (c_int, [nodemap_p, nodemap_p]),
    "nodeaff_nodemap_import_raw": (c_int, [nodemap_p, c_void_p, c_uint32]),
    "nodeaff_nodemap_export_raw": (c_int, [nodemap_p, c_void_p, c_uint32]),
    "nodeaff_nodemap_parse": (c_int, [nodemap_p, c_char_p, c_int_p, c_uint_p]),
    "nodeaff_parse_reason_str": (c_char_p, [c_int]),
    "nodeaff_nodemap_format": (c_int, [nodemap_p, c_int, c_char_p, c_size_t]),
    # topology
    "nodeaff_topology_new": (c_int, [c_uint, c_uint, POINTER(topology_p)]),
    "nodeaff_topology_from_file": (c_int, [c_char_p, POINTER(topology_p), c_uint_p]),
    "nodeaff_topology_from_host": (c_int, [handle_p, POINTER(topology_p)]),
    "nodeaff_topology_free": (None, [topology_p]),
    "nodeaff_topology_nr_nodes": (c_int, [topology_p]),
    "nodeaff_topology_nr_cpus": (c_int, [topology_p]),
    "nodeaff_topology_online_nodes": (c_int, [topology_p, POINTER(nodemap_p)]),
    "nodeaff_topology_node_memory": (c_int, [topology_p, c_uint, c_uint64_p, c_uint64_p]),
    "nodeaff_topology_distance": (c_int, [topology_p, c_uint, c_uint]),
    "nodeaff_topology_cpu_node": (c_int, [topology_p, c_uint]),
    "nodeaff_topology_node_cpus": (c_int, [topology_p, c_uint, POINTER(nodemap_p)]),
    "nodeaff_topology_node_vcpus": (c_int, [topology_p, c_uint]),
    "nodeaff_topology_set_node_online": (c_int, [topology_p, c_uint, c_int]),
    "nodeaff_topology_set_node_memory": (c_int, [topology_p, c_uint, c_uint64, c_uint64]),
    "nodeaff_topology_set_distance": (c_int, [topology_p, c_uint, c_uint, c_uint]),
    "nodeaff_topology_set_cpu_node": (c_int, [topology_p, c_uint, c_uint]),
    "nodeaff_topology_set_node_vcpus": (c_int, [topology_p, c_uint, c_uint]),
    # handle and domains
    "nodeaff_open": (c_int, [c_uint, POINTER(handle_p)]),
    "nodeaff_close": (None, [handle_p]),
    "nodeaff_features": (c_int, [handle_p]),
    "nodeaff_domain_set_affinity": (c_int, [handle_p, c_uint32, nodemap_p, c_uint]),
    "nodeaff_domain_get_affinity": (c_int, [handle_p, c_uint32, POINTER(nodemap_p)]),
    "nodeaff_domain_get_state": (c_int, [handle_p, c_uint32, POINTER(nodemap_p), c_uint_p]),
    "nodeaff_domain_reset_affinity": (c_int, [handle_p, c_uint32]),
    "nodeaff_domain_get_usage": (c_int, [handle_p, c_uint32, c_uint64_p, c_uint]),
    "nodeaff_domain_list": (c_int, [handle_p, c_uint32_p, c_uint]),
    # LIBNODEAFF_1.1
    "nodeaff_hypervisor_version": (c_int, [handle_p, c_uint_p, c_uint_p, c_uint_p, c_uint_p]),
    # LIBNODEAFF_1.2: node claims
    "nodeaff_domain_claim": (c_int, [handle_p, c_uint32, c_uint64_p, c_uint,
                                     c_uint32_p, c_uint64_p]),
    "nodeaff_domain_cancel_claim": (c_int, [handle_p, c_uint32]),
    "nodeaff_domain_get_claim": (c_int, [handle_p, c_uint32, c_uint64_p, c_uint, c_uint64_p]),
    "nodeaff_host_claims": (c_int, [handle_p, c_uint64_p, c_uint, c_uint64_p]),
    "nodeaff_topology_node_claimed": (c_int, [topology_p, c_uint, c_uint64_p]),
    "nodeaff_topology_set_node_claimed": (c_int, [topology_p, c_uint, c_uint64]),
    "nodeaff_claim_split": (c_int, [topology_p, nodemap_p, c_uint64, c_uint64_p, c_uint]),
    # placement and the config value
    "nodeaff_place": (c_int, [topology_p, c_uint64, c_uint, c_uint, POINTER(placement_p)]),
    "nodeaff_placement_free": (None, [placement_p]),
    "nodeaff_placement_nodes": (nodemap_p, [placement_p]),
    "nodeaff_placement_nr_candidates": (c_int, [placement_p]),
    "nodeaff_placement_candidate": (c_int, [placement_p, c_uint, POINTER(nodemap_p),
                                            c_uint64_p, c_uint_p, c_uint_p,
                                            POINTER(c_char_p)]),
    "nodeaff_config_nodes": (c_int, [c_char_p, topology_p, c_uint64, c_uint, c_uint,
                                     POINTER(nodemap_p), c_int_p, c_uint_p]),
}


def _load() -> ctypes.CDLL:
    path = os.environ.get("NODEAFF_LIBRARY") or SONAME
    try:
        lib = ctypes.CDLL(path)
    except OSError as e:
        raise ImportError(
            f"nodeaff: cannot load {path} ({e}); install libnodeaff "
            f"(meson install, then ldconfig) or set NODEAFF_LIBRARY to its path"
        ) from e
    for name, (restype, argtypes) in PROTOTYPES.items():
        fn = getattr(lib, name)
        fn.restype = restype
        fn.argtypes = argtypes
    return lib


lib = _load()
