# SPDX-License-Identifier: LGPL-2.1-or-later
"""Exceptions: every libnodeaff failure is an OSError carrying the errno.

The library reports a negative errno and, for a nodeset that does not
parse, a reason and a 1-based byte column.  NodeaffError keeps the errno
(``e.errno``), the C function that failed (``e.function``) and a message
(``e.strerror``); the subclass follows the errno, and where Python has a
built-in OSError subclass for that errno the class derives from it too, so
``except PermissionError`` or ``except ProcessLookupError`` work as usual.
"""

from __future__ import annotations

import errno as _errno
import os
from typing import Optional

__all__ = [
    "NodeaffError", "ParseError", "NotSupportedError", "NoSuchDomainError",
    "PermissionDeniedError", "NotFoundError", "OutOfRangeError",
    "InvalidArgumentError", "NoSpaceError", "ClaimShortError", "error_from_errno",
]


class NodeaffError(OSError):
    """A libnodeaff call failed.

    Attributes: ``errno`` (positive), ``strerror`` (the message),
    ``function`` (the C function that returned the error).
    """

    function: str

    def __init__(self, err: int, message: Optional[str] = None, function: str = "") -> None:
        super().__init__(err, message if message is not None else os.strerror(err))
        self.function = function

    def __str__(self) -> str:
        name = _errno.errorcode.get(self.errno or 0, str(self.errno))
        where = f"{self.function}: " if self.function else ""
        return f"{where}{self.strerror} ({name})"

    def __reduce__(self):  # keep pickling (multiprocessing) working
        return (type(self), (self.errno, self.strerror, self.function))


class InvalidArgumentError(NodeaffError):
    """EINVAL: an argument the library refused (e.g. an empty node set)."""


class OutOfRangeError(NodeaffError):
    """ERANGE: a node or CPU id beyond the map's or the host's size."""


class NotFoundError(NodeaffError, FileNotFoundError):
    """ENOENT: no such node (offline), file or hypervisor interface."""


class NoSuchDomainError(NodeaffError, ProcessLookupError):
    """ESRCH: the domain does not exist."""


class PermissionDeniedError(NodeaffError, PermissionError):
    """EPERM or EACCES: the caller may not do this."""


class NotSupportedError(NodeaffError):
    """EOPNOTSUPP: the running hypervisor lacks the feature (stock Xen)."""


class NoSpaceError(NodeaffError):
    """ENOSPC: placement found no node set with enough free memory."""


class ClaimShortError(NodeaffError, MemoryError):
    """ENOMEM from Host.claim(): a node, or the host as a whole, lacks the
    free pages no other domain has claimed.  ``node`` is that node, or None
    for the host as a whole; ``available`` the pages the domain could have
    claimed there.  Nothing was claimed."""

    node: Optional[int]
    available: int

    def __init__(self, err: int, message: str, function: str, node: Optional[int],
                 available: int) -> None:
        super().__init__(err, message, function)
        self.node = node
        self.available = available

    def __reduce__(self):
        return (type(self), (self.errno, self.strerror, self.function, self.node,
                             self.available))


class ParseError(NodeaffError):
    """A nodeset or nodes= value did not parse.

    ``errno`` is EINVAL (syntax), ERANGE (a node beyond the map's size) or
    EOVERFLOW (a number too large); ``column`` is the 1-based byte column
    of the first offending character in the UTF-8 text; ``reason`` the
    library's enum nodeaff_parse_reason value; ``strerror`` the library's
    sentence for it; ``text`` the input.
    """

    column: int
    reason: int
    text: str

    def __init__(self, err: int, message: str, column: int, reason: int,
                 text: str = "", function: str = "nodeaff_nodemap_parse") -> None:
        super().__init__(err, message, function)
        self.column = column
        self.reason = reason
        self.text = text

    def __str__(self) -> str:
        return f"{self.text!r}: column {self.column}: {self.strerror}"

    def __reduce__(self):
        return (type(self), (self.errno, self.strerror, self.column, self.reason,
                             self.text, self.function))


_BY_ERRNO: dict[int, type[NodeaffError]] = {
    _errno.EINVAL: InvalidArgumentError,
    _errno.ERANGE: OutOfRangeError,
    _errno.ENOENT: NotFoundError,
    _errno.ESRCH: NoSuchDomainError,
    _errno.EPERM: PermissionDeniedError,
    _errno.EACCES: PermissionDeniedError,
    _errno.EOPNOTSUPP: NotSupportedError,
    _errno.ENOSPC: NoSpaceError,
}


def error_from_errno(err: int, function: str = "", message: Optional[str] = None) -> NodeaffError:
    """The exception for a libnodeaff return value (negative or positive errno)."""
    err = abs(err)
    return _BY_ERRNO.get(err, NodeaffError)(err, message, function)


def check(ret: int, function: str) -> int:
    """Returns ret if it is not negative; raises the matching error if it is."""
    if ret < 0:
        raise error_from_errno(ret, function)
    return ret
