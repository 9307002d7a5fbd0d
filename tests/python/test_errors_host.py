# SPDX-License-Identifier: LGPL-2.1-or-later
"""Errors are OSError subclasses with the errno; Host without a hypervisor.

The hypervisor calls themselves are proven in the rig
(qemu-numa-rig/guest/t-python.py); here only what needs no Xen."""

import errno
import os
import pickle

import pytest

import nodeaff
from nodeaff import errors


@pytest.mark.parametrize("err,cls,builtin", [
    (errno.EINVAL, nodeaff.InvalidArgumentError, None),
    (errno.ERANGE, nodeaff.OutOfRangeError, None),
    (errno.ENOENT, nodeaff.NotFoundError, FileNotFoundError),
    (errno.ESRCH, nodeaff.NoSuchDomainError, ProcessLookupError),
    (errno.EPERM, nodeaff.PermissionDeniedError, PermissionError),
    (errno.EACCES, nodeaff.PermissionDeniedError, PermissionError),
    (errno.EOPNOTSUPP, nodeaff.NotSupportedError, None),
    (errno.ENOSPC, nodeaff.NoSpaceError, None),
    (errno.ENOMEM, nodeaff.NodeaffError, None),
])
def test_errno_to_class(err, cls, builtin):
    e = errors.error_from_errno(-err, "nodeaff_x")
    assert type(e) is cls and isinstance(e, OSError) and isinstance(e, nodeaff.NodeaffError)
    assert e.errno == err and e.strerror == os.strerror(err) and e.function == "nodeaff_x"
    assert str(e) == f"nodeaff_x: {os.strerror(err)} ({errno.errorcode[err]})"
    if builtin:
        assert isinstance(e, builtin)
    again = pickle.loads(pickle.dumps(e))
    assert type(again) is cls and again.errno == err and again.function == "nodeaff_x"


def test_parse_error_pickles():
    try:
        nodeaff.NodeMap.parse("3-1")
    except nodeaff.ParseError as e:
        again = pickle.loads(pickle.dumps(e))
        assert (again.column, again.errno, again.reason, again.text) == (3, errno.EINVAL, 3, "3-1")


def test_host_without_a_hypervisor_raises_oserror():
    # No privcmd here (not dom0): nodeaff_open says ENODEV (not Xen at all),
    # ENOENT (a Xen kernel without privcmd) or EACCES (not root).
    if os.path.exists("/dev/xen/privcmd") or os.path.exists("/proc/xen/privcmd"):
        pytest.skip("this machine has a Xen interface")
    with pytest.raises(OSError) as e:
        nodeaff.Host()
    assert isinstance(e.value, nodeaff.NodeaffError)
    assert e.value.errno in (errno.ENODEV, errno.ENOENT, errno.EACCES)
    assert e.value.function == "nodeaff_open"


def test_closed_host_refuses_calls():
    h = nodeaff.Host.__new__(nodeaff.Host)
    h._ptr = None
    with pytest.raises(ValueError):
        h.get_affinity(0)


def test_state_dataclass():
    s = nodeaff.AffinityState(nodeaff.NodeMap([1]), automatic=False, strict=True)
    assert s.mode == "strict" and s.to_dict() == {"nodes": [1], "automatic": False,
                                                  "strict": True, "mode": "strict"}
    assert nodeaff.AffinityState(nodeaff.NodeMap([0]), True, False).mode == "automatic"
    assert nodeaff.AffinityState(nodeaff.NodeMap([0]), False, False).mode == "preferred"
