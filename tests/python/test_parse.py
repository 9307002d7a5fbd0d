# SPDX-License-Identifier: LGPL-2.1-or-later
"""Parse errors: errno, reason, the library's sentence, the 1-based column."""

import errno

import pytest

from nodeaff import NodeMap, ParseError, parse_reason_str

# text, errno, reason (enum nodeaff_parse_reason), column: the header's and
# nodeaff.3's examples.
BAD = [
    ("0,,1", errno.EINVAL, 1, 3),
    (",0", errno.EINVAL, 1, 1),
    ("0,", errno.EINVAL, 1, 2),
    ("-3", errno.EINVAL, 2, 1),
    ("^", errno.EINVAL, 2, 2),
    ("0-", errno.EINVAL, 2, 3),
    ("3-1", errno.EINVAL, 3, 3),
    ("foo", errno.EINVAL, 4, 1),
    ("0x3", errno.EINVAL, 4, 1),
    ("ALL", errno.EINVAL, 4, 1),
    ("^all", errno.EINVAL, 5, 1),
    ("1 2", errno.EINVAL, 6, 3),
    ("0 - 3", errno.EINVAL, 6, 3),
    ("[0] x", errno.EINVAL, 6, 5),
    ("64", errno.ERANGE, 7, 1),
    ("0-3,^70", errno.ERANGE, 7, 6),
    ("4294967296", errno.EOVERFLOW, 8, 1),
    ("[0, 1", errno.EINVAL, 9, 1),
    ('["0]', errno.EINVAL, 10, 2),
]


@pytest.mark.parametrize("text,err,reason,column", BAD)
def test_parse_error(text, err, reason, column):
    with pytest.raises(ParseError) as e:
        NodeMap.parse(text)
    x = e.value
    assert (x.errno, x.reason, x.column) == (err, reason, column)
    assert isinstance(x, OSError) and x.text == text
    assert x.strerror == parse_reason_str(reason) and x.strerror
    assert str(x) == f"{text!r}: column {column}: {x.strerror}"


GOOD = [
    ("0-3,^1", "0,2-3"), ("^1,0-3", "0-3"), ("all,^0", "1-63"), ("none", "none"),
    ("", "none"), (" \t", "none"), ('["0", "3-5"]', "0,3-5"), ("[0, 3]", "0,3"),
    ("[]", "none"), ('["0-3", "^1"]', "0,2-3"), (" 010 ", "10"), ("0-3,^2", "0-1,3"),
]


@pytest.mark.parametrize("text,want", GOOD)
def test_parse_good(text, want):
    assert str(NodeMap.parse(text)) == want
    assert str(NodeMap.parse(text.encode())) == want      # bytes too


def test_all_follows_size_and_reason_str():
    assert str(NodeMap.parse("all", size=1)) == "0"
    assert "unknown" in parse_reason_str(12345).lower() or parse_reason_str(12345)


def test_non_ascii_column_is_in_bytes():
    with pytest.raises(ParseError) as e:
        NodeMap.parse("0,é")
    assert e.value.column == 3 and e.value.errno == errno.EINVAL


def test_embedded_nul_is_a_parse_error():
    with pytest.raises(ParseError) as e:
        NodeMap.parse("0\x001")
    assert e.value.column == 2 and e.value.errno == errno.EINVAL
