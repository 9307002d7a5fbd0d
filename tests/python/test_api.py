# SPDX-License-Identifier: LGPL-2.1-or-later
"""The ctypes layer covers the whole exported API and mirrors the header."""

import os
import re

import nodeaff
from nodeaff import _lib

from conftest import SRCDIR


def test_every_exported_function_has_a_prototype():
    sym = open(os.path.join(SRCDIR, "src", "libnodeaff.sym")).read()
    exported = set(re.findall(r"^\s+(nodeaff_\w+);", sym, re.M))
    assert len(exported) == 65
    assert set(_lib.PROTOTYPES) == exported


def test_constants_match_the_header():
    header = open(os.path.join(SRCDIR, "include", "nodeaff.h")).read()
    defs = dict(re.findall(r"#define (NODEAFF_\w+)\s+\(?(?:1U << )?(\d+)", header))
    assert int(defs["NODEAFF_NODEMAP_MAX_NODES"]) == _lib.NODEMAP_MAX_NODES == nodeaff.MAX_NODES
    assert 1 << int(defs["NODEAFF_FEATURE_AFFINITY"]) == nodeaff.Feature.AFFINITY
    assert 1 << int(defs["NODEAFF_FEATURE_STRICT"]) == nodeaff.Feature.STRICT
    assert 1 << int(defs["NODEAFF_FEATURE_USAGE"]) == nodeaff.Feature.USAGE
    assert 1 << int(defs["NODEAFF_FEATURE_STATE"]) == nodeaff.Feature.STATE
    assert 1 << int(defs["NODEAFF_FEATURE_CLAIMS"]) == nodeaff.Feature.CLAIMS
    claim_host = re.search(r"#define NODEAFF_CLAIM_HOST (0x[0-9a-fA-F]+)U", header)
    assert int(claim_host.group(1), 16) == _lib.CLAIM_HOST == 2**32 - 1
    assert 1 << int(defs["NODEAFF_STRICT"]) == _lib.STRICT
    assert 1 << int(defs["NODEAFF_AUTO"]) == _lib.AUTO
    assert int(defs["NODEAFF_CONFIG_AUTO"]) == _lib.CONFIG_AUTO
    enum = re.search(r"enum nodeaff_format \{(.*?)\}", header, re.S).group(1)
    names = re.findall(r"NODEAFF_FORMAT_(\w+)", enum)
    assert names[:3] == ["LIST", "HEX", "JSON"]          # 0, 1, 2 in order
    assert nodeaff.FORMATS == {"list": 0, "hex": 1, "json": 2}


def test_library_loaded_from_the_build_tree():
    # meson test sets NODEAFF_LIBRARY: the tests must not pick up an
    # installed (older) library by SONAME.
    want = os.environ.get("NODEAFF_LIBRARY")
    assert want and _lib.lib._name == want
