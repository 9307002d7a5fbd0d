// SPDX-License-Identifier: LGPL-2.1-or-later
//! The library's negative errnos as std::io::Error, and the two failures
//! that say more than an errno: a nodeset that does not parse (reason and
//! column) and a malformed topology file (line).
use std::ffi::CStr;
use std::fmt;
use std::io;
use std::os::raw::c_int;

use nodeaff_sys as sys;

/// A C return value: the value itself if it is not negative, else the
/// io::Error of its errno.
pub(crate) fn check(rc: c_int) -> io::Result<c_int> {
    if rc < 0 {
        Err(io::Error::from_raw_os_error(-rc))
    } else {
        Ok(rc)
    }
}

/// The errno an error from this crate carries: `raw_os_error()`, or the
/// errno inside a [`ParseError`] or [`TopologyFileError`] turned into an
/// io::Error.
pub fn errno(e: &io::Error) -> Option<i32> {
    if let Some(n) = e.raw_os_error() {
        return Some(n);
    }
    let inner = e.get_ref()?;
    if let Some(p) = inner.downcast_ref::<ParseError>() {
        return Some(p.errno());
    }
    inner.downcast_ref::<TopologyFileError>().map(|t| t.errno)
}

/// Why a nodeset did not parse (enum nodeaff_parse_reason; a value this
/// version does not know is kept as `Other`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ParseReason {
    EmptyElement,
    ExpectedNumber,
    ReversedRange,
    UnknownWord,
    ExcludeAll,
    TrailingGarbage,
    NodeOutOfRange,
    NumberOverflow,
    UnterminatedList,
    UnterminatedString,
    /// An argument was NULL or the text held a NUL byte: no reason given.
    None,
    Other(i32),
}

impl ParseReason {
    /// The reason for a C enum value (`Other` for one this version lacks).
    pub fn from_raw(r: c_int) -> ParseReason {
        match r as u32 {
            sys::nodeaff_parse_reason_NODEAFF_PARSE_OK => ParseReason::None,
            sys::nodeaff_parse_reason_NODEAFF_PARSE_EMPTY_ELEMENT => ParseReason::EmptyElement,
            sys::nodeaff_parse_reason_NODEAFF_PARSE_EXPECTED_NUMBER => ParseReason::ExpectedNumber,
            sys::nodeaff_parse_reason_NODEAFF_PARSE_REVERSED_RANGE => ParseReason::ReversedRange,
            sys::nodeaff_parse_reason_NODEAFF_PARSE_UNKNOWN_WORD => ParseReason::UnknownWord,
            sys::nodeaff_parse_reason_NODEAFF_PARSE_EXCLUDE_ALL => ParseReason::ExcludeAll,
            sys::nodeaff_parse_reason_NODEAFF_PARSE_TRAILING_GARBAGE => ParseReason::TrailingGarbage,
            sys::nodeaff_parse_reason_NODEAFF_PARSE_NODE_OUT_OF_RANGE => ParseReason::NodeOutOfRange,
            sys::nodeaff_parse_reason_NODEAFF_PARSE_NUMBER_OVERFLOW => ParseReason::NumberOverflow,
            sys::nodeaff_parse_reason_NODEAFF_PARSE_UNTERMINATED_LIST => ParseReason::UnterminatedList,
            sys::nodeaff_parse_reason_NODEAFF_PARSE_UNTERMINATED_STRING => {
                ParseReason::UnterminatedString
            }
            _ => ParseReason::Other(r),
        }
    }

    /// The C enum's value.
    pub fn raw(self) -> i32 {
        (match self {
            ParseReason::None => sys::nodeaff_parse_reason_NODEAFF_PARSE_OK,
            ParseReason::EmptyElement => sys::nodeaff_parse_reason_NODEAFF_PARSE_EMPTY_ELEMENT,
            ParseReason::ExpectedNumber => sys::nodeaff_parse_reason_NODEAFF_PARSE_EXPECTED_NUMBER,
            ParseReason::ReversedRange => sys::nodeaff_parse_reason_NODEAFF_PARSE_REVERSED_RANGE,
            ParseReason::UnknownWord => sys::nodeaff_parse_reason_NODEAFF_PARSE_UNKNOWN_WORD,
            ParseReason::ExcludeAll => sys::nodeaff_parse_reason_NODEAFF_PARSE_EXCLUDE_ALL,
            ParseReason::TrailingGarbage => sys::nodeaff_parse_reason_NODEAFF_PARSE_TRAILING_GARBAGE,
            ParseReason::NodeOutOfRange => sys::nodeaff_parse_reason_NODEAFF_PARSE_NODE_OUT_OF_RANGE,
            ParseReason::NumberOverflow => sys::nodeaff_parse_reason_NODEAFF_PARSE_NUMBER_OVERFLOW,
            ParseReason::UnterminatedList => sys::nodeaff_parse_reason_NODEAFF_PARSE_UNTERMINATED_LIST,
            ParseReason::UnterminatedString => {
                sys::nodeaff_parse_reason_NODEAFF_PARSE_UNTERMINATED_STRING
            }
            ParseReason::Other(r) => return r,
        }) as i32
    }

    /// The library's English sentence for it (nodeaff_parse_reason_str()).
    pub fn describe(self) -> &'static str {
        // SAFETY: the library returns a static NUL-terminated string,
        // never NULL, for any value.
        unsafe { CStr::from_ptr(sys::nodeaff_parse_reason_str(self.raw())) }
            .to_str()
            .unwrap_or("unknown reason")
    }
}

/// A nodeset that did not parse: the errno (EINVAL for the syntax, ERANGE
/// for a node beyond the map's size, EOVERFLOW for a number that does not
/// fit), the reason and the 1-based byte column the library reported.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    pub(crate) errno: i32,
    pub(crate) reason: ParseReason,
    pub(crate) column: u32,
}

impl ParseError {
    pub fn errno(&self) -> i32 {
        self.errno
    }
    pub fn reason(&self) -> ParseReason {
        self.reason
    }
    /// 1-based byte column; 0 when the library gave none (a NUL byte).
    pub fn column(&self) -> u32 {
        self.column
    }
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.column > 0 {
            write!(f, "column {}: {}", self.column, self.reason.describe())
        } else {
            write!(f, "{}", io::Error::from_raw_os_error(self.errno))
        }
    }
}

impl std::error::Error for ParseError {}

impl From<ParseError> for io::Error {
    /// Keeps the column in the message; [`errno`] gives the errno back.
    fn from(e: ParseError) -> io::Error {
        io::Error::new(io::Error::from_raw_os_error(e.errno).kind(), e)
    }
}

/// A topology file the library refused: the errno (EINVAL) and the 1-based
/// line (0: the file has no node line).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TopologyFileError {
    pub errno: i32,
    pub line: u32,
}

impl fmt::Display for TopologyFileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line == 0 {
            write!(f, "malformed topology file: no node line")
        } else {
            write!(f, "malformed topology file: line {}", self.line)
        }
    }
}

impl std::error::Error for TopologyFileError {}
