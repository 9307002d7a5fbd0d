// SPDX-License-Identifier: LGPL-2.1-or-later
//! NodeMap against the C library: grammar, formats, iteration, set
//! operations, raw layout, errors, ownership.
mod common;
use common::*;

use nodeaff::{errno, Format, NodeMap, ParseReason, DEFAULT_SIZE};

fn nodes(m: &NodeMap) -> Vec<u32> {
    m.iter().collect()
}

#[test]
fn grammar_readme_examples() {
    assert_eq!(nodes(&"0-3,^1".parse().unwrap()), [0, 2, 3]);
    assert_eq!(nodes(&"^1,0-3".parse().unwrap()), [0, 1, 2, 3]);
    assert_eq!(nodes(&r#"["0", "3-5"]"#.parse().unwrap()), [0, 3, 4, 5]);
    assert_eq!(nodes(&"[0, 3]".parse().unwrap()), [0, 3]);
    let all: NodeMap = "all".parse().unwrap();
    assert_eq!(all.count(), DEFAULT_SIZE);
    assert_eq!(all.to_string(), "0-63");
    for empty in ["", "none", "  ", "[]"] {
        let m: NodeMap = empty.parse().unwrap();
        assert!(m.is_empty(), "{:?}", empty);
        assert_eq!(m.to_string(), "none");
    }
}

#[test]
fn formats() {
    let m: NodeMap = "0,3-5".parse().unwrap();
    assert_eq!(m.format(Format::List), "0,3-5");
    assert_eq!(m.format(Format::Hex), "0x39");
    assert_eq!(m.format(Format::Json), "[0,3,4,5]");
    let e = NodeMap::new(8).unwrap();
    assert_eq!(e.format(Format::Hex), "0x0");
    assert_eq!(e.format(Format::Json), "[]");
    // A long text (more than any fixed buffer would hold).
    let mut big = NodeMap::new(65536).unwrap();
    for n in (0..65536).step_by(2) {
        big.insert(n).unwrap();
    }
    let text = big.to_string();
    assert!(text.len() > 100_000);
    assert_eq!(NodeMap::parse(&text, 65536).unwrap(), big);
}

#[test]
fn parse_errors_name_reason_and_column() {
    let e = "3-1".parse::<NodeMap>().unwrap_err();
    assert_eq!((e.errno(), e.reason(), e.column()), (EINVAL, ParseReason::ReversedRange, 3));
    assert_eq!(e.to_string(), format!("column 3: {}", ParseReason::ReversedRange.describe()));
    let e = "0,,1".parse::<NodeMap>().unwrap_err();
    assert_eq!((e.errno(), e.reason(), e.column()), (EINVAL, ParseReason::EmptyElement, 3));
    let e = "64".parse::<NodeMap>().unwrap_err();
    assert_eq!((e.errno(), e.reason()), (ERANGE, ParseReason::NodeOutOfRange));
    let e = "99999999999".parse::<NodeMap>().unwrap_err();
    assert_eq!((e.errno(), e.reason()), (EOVERFLOW, ParseReason::NumberOverflow));
    let e = "^all".parse::<NodeMap>().unwrap_err();
    assert_eq!((e.reason(), e.column()), (ParseReason::ExcludeAll, 1));
    let e = "[0, 1".parse::<NodeMap>().unwrap_err();
    assert_eq!((e.reason(), e.column()), (ParseReason::UnterminatedList, 1));
    // A NUL byte: the C API would stop there; refused, not truncated.
    let e = "1\u{0}2".parse::<NodeMap>().unwrap_err();
    assert_eq!((e.errno(), e.column()), (EINVAL, 2));
    // Into io::Error: the errno survives, the column stays in the message.
    let io: std::io::Error = "3-1".parse::<NodeMap>().unwrap_err().into();
    assert_eq!(errno(&io), Some(EINVAL));
    assert!(io.to_string().contains("column 3"), "{}", io);
}

#[test]
fn failed_parse_leaves_map_unchanged() {
    let mut m: NodeMap = "1,2".parse().unwrap();
    assert!(m.parse_into("1-").is_err());
    assert_eq!(nodes(&m), [1, 2]);
}

#[test]
fn bad_sizes_are_errors() {
    assert_eq!(NodeMap::new(0).unwrap_err().raw_os_error(), Some(EINVAL));
    assert_eq!(NodeMap::new(65537).unwrap_err().raw_os_error(), Some(EINVAL));
    assert_eq!(NodeMap::parse("0", 0).unwrap_err().errno(), EINVAL);
    let mut m = NodeMap::new(4).unwrap();
    assert_eq!(m.insert(4).unwrap_err().raw_os_error(), Some(ERANGE));
    assert_eq!(m.remove(9).unwrap_err().raw_os_error(), Some(ERANGE));
    assert!(!m.contains(1000));
}

#[test]
fn iteration_and_membership() {
    let mut m = NodeMap::new(130).unwrap();
    for n in [129, 0, 64, 63, 65] {
        m.insert(n).unwrap();
    }
    assert_eq!(nodes(&m), [0, 63, 64, 65, 129]);
    assert_eq!((m.first(), m.last(), m.count(), m.size()), (Some(0), Some(129), 5, 130));
    let mut seen = vec![];
    for n in &m {
        seen.push(n);
    }
    assert_eq!(seen, nodes(&m));
    m.remove(64).unwrap();
    assert!(!m.contains(64) && m.contains(65));
    m.clear();
    assert_eq!((m.first(), m.iter().next()), (None, None));
    m.fill();
    assert_eq!(m.count(), 130);
}

#[test]
fn set_operations_and_equality_across_sizes() {
    let a = NodeMap::parse("0-3", 8).unwrap();
    let b = NodeMap::parse("2-5", 100).unwrap();
    assert_eq!(nodes(&a.union(&b)), [0, 1, 2, 3, 4, 5]);
    assert_eq!(nodes(&a.intersection(&b)), [2, 3]);
    assert_eq!(nodes(&a.difference(&b)), [0, 1]);
    assert_eq!(nodes(&a.symmetric_difference(&b)), [0, 1, 4, 5]);
    assert_eq!(a.union(&b).size(), 100);
    assert!(a.intersects(&b));
    assert!(NodeMap::parse("2", 4).unwrap().is_subset(&a));
    assert_eq!(NodeMap::parse("1", 4).unwrap(), NodeMap::parse("1", 64).unwrap());
    assert_ne!(a, b);
}

#[test]
fn raw_layout() {
    let m = NodeMap::parse("0,3-5,9", 16).unwrap();
    assert_eq!(m.export_raw(16).unwrap(), [0x39, 0x02]);
    assert_eq!(m.export_raw(8).unwrap_err().raw_os_error(), Some(ERANGE));
    let mut n = NodeMap::new(16).unwrap();
    n.import_raw(&[0x39, 0xfe], 10).unwrap();
    assert_eq!(n, m);
    assert_eq!(n.import_raw(&[0xff], 16).unwrap_err().raw_os_error(), Some(EINVAL));
    let mut small = NodeMap::new(4).unwrap();
    assert_eq!(small.import_raw(&[0x10], 8).unwrap_err().raw_os_error(), Some(ERANGE));
}

#[test]
fn clones_are_independent_and_drop_once() {
    // Under valgrind (tests/rust/run-cargo --valgrind) a double free or a
    // leak here fails the run.
    let mut a: NodeMap = "1".parse().unwrap();
    let b = a.clone();
    a.insert(2).unwrap();
    assert_eq!(nodes(&b), [1]);
    drop(a);
    assert_eq!(b.to_string(), "1");
    let v: Vec<NodeMap> = (0..100).map(|i| NodeMap::from_nodes(128, [i]).unwrap()).collect();
    let moved = v; // a move transfers ownership; nothing is freed twice
    assert_eq!(moved.iter().map(|m| m.count()).sum::<u32>(), 100);
}

#[test]
fn shared_between_threads() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<NodeMap>();
    let m = std::sync::Arc::new("0-7,^3".parse::<NodeMap>().unwrap());
    let hs: Vec<_> = (0..4)
        .map(|_| {
            let m = m.clone();
            std::thread::spawn(move || (0..1000).map(|_| m.to_string()).last().unwrap())
        })
        .collect();
    for h in hs {
        assert_eq!(h.join().unwrap(), "0-2,4-7");
    }
}
