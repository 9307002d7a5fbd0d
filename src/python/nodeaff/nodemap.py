# SPDX-License-Identifier: LGPL-2.1-or-later
"""NodeMap: a set of NUMA node ids, backed by a C struct nodeaff_nodemap.

A NodeMap has a size fixed at creation (the ids it can hold: 0 .. size-1,
like the C map) and behaves like a frozenset of ints: immutable, hashable,
iterated in ascending order, with ``|``, ``&``, ``-``, ``^``, ``==`` and
``<=`` (subset) computed by the C library.  As in C, comparisons ignore
sizes: ``NodeMap([1], size=4) == NodeMap([1], size=64)``.  Compared with
any other set (``==``, ``<=``, ...) a NodeMap behaves as the frozenset of
its nodes, so a set holding non-ids is simply not equal.

Integers are checked before they reach C (see _cvalues): a non-integer
raises TypeError, a size or bit count that C cannot hold
InvalidArgumentError, a node id beyond the map OutOfRangeError.
"""

from __future__ import annotations

import ctypes
import errno
import operator
import weakref
from collections.abc import Iterable, Iterator, Set
from typing import Any, Optional, Union

from . import _lib
from ._cvalues import c_id, c_uint
from ._lib import lib
from .errors import OutOfRangeError, ParseError, check

__all__ = ["NodeMap", "DEFAULT_SIZE", "MAX_NODES", "FORMATS", "parse_reason_str"]

#: The size of a map when none is given: 64, Xen x86's MAX_NUMNODES and the
#: default of ``nodeaff parse``.
DEFAULT_SIZE = 64
#: The largest size a map can have (NODEAFF_NODEMAP_MAX_NODES).
MAX_NODES = _lib.NODEMAP_MAX_NODES
#: Format names accepted by NodeMap.format() and format(map, spec).
FORMATS = {"list": _lib.FORMAT_LIST, "hex": _lib.FORMAT_HEX, "json": _lib.FORMAT_JSON}

# enum nodeaff_parse_reason: the one this module reports for an embedded
# NUL, which the C grammar never sees (C strings end there).
_PARSE_TRAILING_GARBAGE = 6

Text = Union[str, bytes]


def parse_reason_str(reason: int) -> str:
    """The library's English sentence for an enum nodeaff_parse_reason value."""
    return lib.nodeaff_parse_reason_str(reason).decode("utf-8", "replace")


def _encode(text: Text) -> bytes:
    # surrogateescape: command-line bytes that are not UTF-8 reach the C
    # parser unchanged (python3 -m nodeaff parse mirrors nodeaff parse).
    return text if isinstance(text, bytes) else text.encode("utf-8", "surrogateescape")


def _check_text(raw: bytes, text: Text, function: str) -> None:
    nul = raw.find(b"\0")
    if nul >= 0:
        raise ParseError(errno.EINVAL, "embedded NUL character", nul + 1, _PARSE_TRAILING_GARBAGE,
                         _decode(text), function)


def _decode(text: Text) -> str:
    return text.decode("utf-8", "surrogateescape") if isinstance(text, bytes) else text


def _new_ptr(size: int) -> Any:
    size = c_uint(size, "size", "nodeaff_nodemap_new")
    ptr = _lib.nodemap_p()
    check(lib.nodeaff_nodemap_new(size, ctypes.byref(ptr)), "nodeaff_nodemap_new")
    return ptr


class NodeMap:
    """An immutable set of node ids 0 .. size-1 (a C nodemap).

    ``NodeMap()`` is empty; ``NodeMap([0, 3])`` holds nodes 0 and 3;
    ``NodeMap("0-3,^2")`` parses the nodeset grammar (same as
    ``NodeMap.parse``).  ``size`` defaults to 64, or to one more than the
    highest node given if that is larger; a node at or beyond an explicit
    size raises OutOfRangeError (ERANGE), as the C library does.
    """

    __slots__ = ("_ptr", "_size", "_finalizer", "__weakref__")

    def __init__(self, nodes: Union[Iterable[int], Text] = (), size: Optional[int] = None) -> None:
        if isinstance(nodes, (str, bytes)):
            other = NodeMap.parse(nodes, DEFAULT_SIZE if size is None else size)
            self._adopt(other._take())
            return
        if size is not None:
            size = c_uint(size, "size", "nodeaff_nodemap_new")
        limit = MAX_NODES if size is None else min(size, MAX_NODES)
        mask = 0
        top = -1
        for n in nodes:
            n = operator.index(n)
            # Checked before 1 << n: NodeMap([2**64]) must not build a
            # 2**64-bit integer first.
            if n < 0 or n >= limit:
                raise OutOfRangeError(errno.ERANGE, f"node {n} is not in 0..{max(limit, 1) - 1}",
                                      "nodeaff_nodemap_set")
            mask |= 1 << n
            top = max(top, n)
        if size is None:
            size = max(DEFAULT_SIZE, top + 1)
        ptr = _new_ptr(size)
        try:
            if mask:
                nbits = top + 1
                raw = mask.to_bytes((nbits + 7) // 8, "little")
                check(lib.nodeaff_nodemap_import_raw(ptr, raw, nbits),
                      "nodeaff_nodemap_import_raw")
        except BaseException:
            lib.nodeaff_nodemap_free(ptr)
            raise
        self._adopt(ptr)

    # -- ownership ---------------------------------------------------------

    def _adopt(self, ptr: Any) -> None:
        """Takes ownership of a C nodemap: freed when this object goes."""
        self._ptr = ptr
        self._size = lib.nodeaff_nodemap_size(ptr)
        self._finalizer = weakref.finalize(self, lib.nodeaff_nodemap_free, ptr)

    def _take(self) -> Any:
        """Hands the C map to another NodeMap (used by __init__ only)."""
        self._finalizer.detach()
        return self._ptr

    @classmethod
    def _from_ptr(cls, ptr: Any) -> "NodeMap":
        """A NodeMap owning ptr (a struct nodeaff_nodemap * from the library)."""
        self = cls.__new__(cls)
        self._adopt(ptr)
        return self

    @classmethod
    def _copy_of(cls, ptr: Any) -> "NodeMap":
        """A NodeMap holding a copy of a map the library still owns."""
        out = _lib.nodemap_p()
        check(lib.nodeaff_nodemap_copy(ptr, ctypes.byref(out)), "nodeaff_nodemap_copy")
        return cls._from_ptr(out)

    @property
    def _as_parameter_(self) -> Any:
        # Lets a NodeMap be passed straight to a prototype taking nodemap_p.
        return self._ptr

    # -- construction --------------------------------------------------------

    @classmethod
    def parse(cls, text: Text, size: int = DEFAULT_SIZE) -> "NodeMap":
        """Parses the nodeset grammar ("0-3,^2", '["0", "3-5"]', "all",
        "none", ...) for a map of size nodes.

        Raises ParseError (errno EINVAL, ERANGE or EOVERFLOW, with
        ``.column`` and ``.reason``) if text does not parse, and
        InvalidArgumentError if size is 0 or above MAX_NODES.
        """
        raw = _encode(text)
        _check_text(raw, text, "nodeaff_nodemap_parse")
        ptr = _new_ptr(size)
        reason = ctypes.c_int(0)
        column = ctypes.c_uint(0)
        r = lib.nodeaff_nodemap_parse(ptr, raw, ctypes.byref(reason), ctypes.byref(column))
        if r < 0:
            lib.nodeaff_nodemap_free(ptr)
            raise ParseError(-r, parse_reason_str(reason.value), column.value, reason.value,
                             _decode(text))
        return cls._from_ptr(ptr)

    @classmethod
    def all(cls, size: int = DEFAULT_SIZE) -> "NodeMap":
        """Every node a map of size can hold."""
        ptr = _new_ptr(size)
        lib.nodeaff_nodemap_set_all(ptr)
        return cls._from_ptr(ptr)

    @classmethod
    def from_bytes(cls, data: bytes, nr_bits: Optional[int] = None,
                   size: Optional[int] = None) -> "NodeMap":
        """Imports Xen's raw layout (struct xenctl_bitmap: node n is bit n % 8
        of byte n // 8).  nr_bits defaults to 8 * len(data), size to nr_bits
        (at least 1).  A set bit at or beyond size raises OutOfRangeError; a
        negative nr_bits or size, or one C cannot hold,
        InvalidArgumentError."""
        if nr_bits is None:
            nr_bits = 8 * len(data)
        nr_bits = c_uint(nr_bits, "nr_bits", "nodeaff_nodemap_import_raw")
        if len(data) < (nr_bits + 7) // 8:
            raise ValueError(f"{len(data)} bytes hold fewer than {nr_bits} bits")
        ptr = _new_ptr(size if size is not None else max(1, nr_bits))
        r = lib.nodeaff_nodemap_import_raw(ptr, bytes(data), nr_bits)
        if r < 0:
            lib.nodeaff_nodemap_free(ptr)
            check(r, "nodeaff_nodemap_import_raw")
        return cls._from_ptr(ptr)

    def to_bytes(self, nr_bits: Optional[int] = None) -> bytes:
        """Exports Xen's raw layout, (nr_bits + 7) // 8 bytes (nr_bits
        defaults to the map's size).  OutOfRangeError if a node is at or
        beyond nr_bits; InvalidArgumentError if nr_bits is negative or more
        than C can hold."""
        if nr_bits is None:
            nr_bits = self._size
        nr_bits = c_uint(nr_bits, "nr_bits", "nodeaff_nodemap_export_raw")
        buf = ctypes.create_string_buffer((nr_bits + 7) // 8 or 1)
        n = check(lib.nodeaff_nodemap_export_raw(self._ptr, buf, nr_bits),
                  "nodeaff_nodemap_export_raw")
        return buf.raw[:n]

    # -- formats -------------------------------------------------------------

    def format(self, fmt: str = "list") -> str:
        """The map as text: "list" ("0,2-5,7"; "none" when empty, the
        canonical form), "hex" ("0xbd"; "0x0") or "json" ("[0,2,3]")."""
        try:
            code = FORMATS[fmt]
        except KeyError:
            raise ValueError(f"unknown format {fmt!r} (list, hex or json)") from None
        n = check(lib.nodeaff_nodemap_format(self._ptr, code, None, 0), "nodeaff_nodemap_format")
        buf = ctypes.create_string_buffer(n + 1)
        check(lib.nodeaff_nodemap_format(self._ptr, code, buf, n + 1), "nodeaff_nodemap_format")
        return buf.value.decode("ascii")

    def __str__(self) -> str:
        return self.format("list")

    def __format__(self, spec: str) -> str:
        return self.format(spec or "list")

    def __repr__(self) -> str:
        return f"NodeMap.parse({self.format('list')!r}, size={self._size})"

    # -- set protocol --------------------------------------------------------

    @property
    def size(self) -> int:
        """The number of node ids the map can hold (0 .. size-1)."""
        return self._size

    def __len__(self) -> int:
        return check(lib.nodeaff_nodemap_count(self._ptr), "nodeaff_nodemap_count")

    def __bool__(self) -> bool:
        return lib.nodeaff_nodemap_first(self._ptr) >= 0

    def __iter__(self) -> Iterator[int]:
        ptr = self._ptr
        n = lib.nodeaff_nodemap_first(ptr)
        while n >= 0:
            yield n
            n = lib.nodeaff_nodemap_next(ptr, n)

    def __contains__(self, node: object) -> bool:
        if not isinstance(node, int) or node < 0 or node >= self._size:
            return False
        return lib.nodeaff_nodemap_test(self._ptr, node) == 1

    @property
    def first(self) -> Optional[int]:
        """The lowest node, None if the map is empty."""
        n = lib.nodeaff_nodemap_first(self._ptr)
        return n if n >= 0 else None

    @property
    def last(self) -> Optional[int]:
        """The highest node, None if the map is empty."""
        n = lib.nodeaff_nodemap_last(self._ptr)
        return n if n >= 0 else None

    def __hash__(self) -> int:
        # Equality ignores the size, so the hash must too.
        return hash(frozenset(self))

    def __reduce__(self):
        return (NodeMap, (list(self), self._size))

    def __copy__(self) -> "NodeMap":
        return self

    def __deepcopy__(self, memo: dict) -> "NodeMap":
        return self

    @staticmethod
    def _coerce(other: object) -> Optional["NodeMap"]:
        """other as a NodeMap if it is one or a set of node ids; None if
        not (then set operators return NotImplemented and comparisons
        compare as frozensets)."""
        if isinstance(other, NodeMap):
            return other
        if isinstance(other, Set):
            try:
                return NodeMap(other)  # type: ignore[arg-type]
            except (TypeError, OutOfRangeError):
                return None
        return None

    def _binop(self, b: "NodeMap", fn: str, size: int) -> "NodeMap":
        ptr = _new_ptr(max(size, 1))
        r = getattr(lib, fn)(ptr, self._ptr, b._ptr)
        if r < 0:
            lib.nodeaff_nodemap_free(ptr)
            check(r, fn)
        return NodeMap._from_ptr(ptr)

    def __or__(self, other: object) -> "NodeMap":
        b = self._coerce(other)
        if b is None:
            return NotImplemented
        return self._binop(b, "nodeaff_nodemap_or", max(self._size, b._size))

    def __and__(self, other: object) -> "NodeMap":
        b = self._coerce(other)
        if b is None:
            return NotImplemented
        return self._binop(b, "nodeaff_nodemap_and", self._size)

    def __sub__(self, other: object) -> "NodeMap":
        b = self._coerce(other)
        if b is None:
            return NotImplemented
        return self._binop(b, "nodeaff_nodemap_andnot", self._size)

    def __xor__(self, other: object) -> "NodeMap":
        b = self._coerce(other)
        if b is None:
            return NotImplemented
        return self._binop(b, "nodeaff_nodemap_xor", max(self._size, b._size))

    def __ror__(self, other: object) -> "NodeMap":
        return self.__or__(other)

    def __rand__(self, other: object) -> "NodeMap":
        b = self._coerce(other)
        return NotImplemented if b is None else b.__and__(self)

    def __rsub__(self, other: object) -> "NodeMap":
        b = self._coerce(other)
        return NotImplemented if b is None else b.__sub__(self)

    def __rxor__(self, other: object) -> "NodeMap":
        return self.__xor__(other)

    def __eq__(self, other: object) -> bool:
        b = self._coerce(other)
        if b is None:
            return frozenset(self) == other if isinstance(other, Set) else NotImplemented
        return lib.nodeaff_nodemap_equal(self._ptr, b._ptr) == 1

    def __ne__(self, other: object) -> bool:
        r = self.__eq__(other)
        return r if r is NotImplemented else not r

    def __le__(self, other: object) -> bool:
        b = self._coerce(other)
        if b is None:
            return frozenset(self) <= other if isinstance(other, Set) else NotImplemented
        return lib.nodeaff_nodemap_is_subset(self._ptr, b._ptr) == 1

    def __ge__(self, other: object) -> bool:
        b = self._coerce(other)
        if b is None:
            return frozenset(self) >= other if isinstance(other, Set) else NotImplemented
        return lib.nodeaff_nodemap_is_subset(b._ptr, self._ptr) == 1

    def __lt__(self, other: object) -> bool:
        r = self.__le__(other)
        return r if r is NotImplemented else bool(r and not self == other)

    def __gt__(self, other: object) -> bool:
        r = self.__ge__(other)
        return r if r is NotImplemented else bool(r and not self == other)

    def issubset(self, other: Iterable[int]) -> bool:
        """self <= other, for any iterable of node ids."""
        return self <= (other if isinstance(other, NodeMap) else NodeMap(other))

    def issuperset(self, other: Iterable[int]) -> bool:
        """self >= other, for any iterable of node ids."""
        return self >= (other if isinstance(other, NodeMap) else NodeMap(other))

    def isdisjoint(self, other: Iterable[int]) -> bool:
        """True if no node is in both (nodeaff_nodemap_intersects)."""
        b = other if isinstance(other, NodeMap) else NodeMap(other)
        return lib.nodeaff_nodemap_intersects(self._ptr, b._ptr) == 0

    def union(self, *others: Iterable[int]) -> "NodeMap":
        out = self
        for o in others:
            out = out | (o if isinstance(o, NodeMap) else NodeMap(o))
        return out

    def intersection(self, *others: Iterable[int]) -> "NodeMap":
        out = self
        for o in others:
            out = out & (o if isinstance(o, NodeMap) else NodeMap(o))
        return out

    def difference(self, *others: Iterable[int]) -> "NodeMap":
        out = self
        for o in others:
            out = out - (o if isinstance(o, NodeMap) else NodeMap(o))
        return out

    def symmetric_difference(self, other: Iterable[int]) -> "NodeMap":
        return self ^ (other if isinstance(other, NodeMap) else NodeMap(other))

    def resized(self, size: int) -> "NodeMap":
        """The same nodes in a map of another size (OutOfRangeError if a node
        does not fit)."""
        return NodeMap(self, size=size)
