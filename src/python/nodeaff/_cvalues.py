# SPDX-License-Identifier: LGPL-2.1-or-later
"""Python ints to C integer arguments, checked.

ctypes converts a Python int to c_uint, c_uint32 or c_uint64 by keeping
its low bits: 2**32 + 1 becomes 1 and -1 becomes the type's maximum, so an
unchecked value silently names another node, domain or size (or, for a
buffer length, makes the library write past the buffer).  Every int that
crosses into C goes through one of these first.

A value that is not an integer (``operator.index`` fails: a float, a str,
None) raises TypeError.  An integer the C type cannot hold raises the
error the C library gives for a value beyond its range, with the errno
the library uses: OutOfRangeError (ERANGE) for node and CPU ids,
InvalidArgumentError (EINVAL) for sizes, counts, amounts of memory,
distances and domain ids.
"""

from __future__ import annotations

import errno
import operator
from typing import Any

from .errors import InvalidArgumentError, NodeaffError, OutOfRangeError

UINT32_MAX = 2**32 - 1
UINT64_MAX = 2**64 - 1


def _as_int(value: Any, what: str) -> int:
    try:
        return operator.index(value)
    except TypeError:
        raise TypeError(f"{what} must be an integer, not {type(value).__name__}") from None


def _checked(value: Any, what: str, function: str, top: int,
             error: type[NodeaffError], err: int) -> int:
    v = _as_int(value, what)
    if v < 0 or v > top:
        raise error(err, f"{what} {v} is not in 0..{top}", function)
    return v


def c_id(value: Any, what: str, function: str) -> int:
    """A node or CPU id for an unsigned int parameter (OutOfRangeError)."""
    return _checked(value, what, function, UINT32_MAX, OutOfRangeError, errno.ERANGE)


def c_uint(value: Any, what: str, function: str) -> int:
    """A size, count or distance for an unsigned int / uint32_t parameter
    (InvalidArgumentError)."""
    return _checked(value, what, function, UINT32_MAX, InvalidArgumentError, errno.EINVAL)


def c_uint64(value: Any, what: str, function: str) -> int:
    """An amount of memory for a uint64_t parameter (InvalidArgumentError)."""
    return _checked(value, what, function, UINT64_MAX, InvalidArgumentError, errno.EINVAL)
