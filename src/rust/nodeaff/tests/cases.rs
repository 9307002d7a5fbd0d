// SPDX-License-Identifier: LGPL-2.1-or-later
//! The shared case table (tests/cases/, issue 18 item 4): the same rows the
//! C, Python and OCaml suites read, through the Rust binding.  The format
//! is tests/cases/README.md's: TSV, '#' comments, a header that must match.
mod common;
use common::*;

use std::collections::HashMap;
use std::io;

use nodeaff::{errno, NodeMap, ParseReason, Topology};

/// The rows of tests/cases/FILE, after checking its header is `header`.
fn table(file: &str, header: &[&str]) -> Vec<Vec<String>> {
    let path = srcdir().join("tests/cases").join(file);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {}", path.display(), e));
    let mut lines = text.split('\n').enumerate().filter(|(_, l)| !l.is_empty() && !l.starts_with('#'));
    let (_, head) = lines.next().unwrap_or_else(|| panic!("{}: no header", file));
    assert_eq!(head.split('\t').collect::<Vec<_>>(), header, "{}: header", file);
    lines
        .map(|(no, l)| {
            let f: Vec<String> = l.split('\t').map(String::from).collect();
            assert_eq!(f.len(), header.len(), "{}:{}: {} fields", file, no + 1, f.len());
            f
        })
        .collect()
}

/// grammar.tsv's input escapes: \\ \t \n, nothing else.
fn unescape(s: &str) -> String {
    let mut out = String::new();
    let mut it = s.chars();
    while let Some(c) = it.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match it.next() {
            Some('\\') => out.push('\\'),
            Some('t') => out.push('\t'),
            Some('n') => out.push('\n'),
            other => panic!("grammar.tsv: bad escape \\{:?} in {:?}", other, s),
        }
    }
    out
}

fn errnos() -> HashMap<String, i32> {
    table("errno.tsv", &["name", "number", "python", "ocaml", "rust"])
        .into_iter()
        .map(|r| (r[0].clone(), r[1].parse().unwrap()))
        .collect()
}

fn reasons() -> HashMap<String, i32> {
    table("parse-reasons.tsv", &["name", "value"])
        .into_iter()
        .map(|r| (r[0].clone(), r[1].parse().unwrap()))
        .collect()
}

/// UPPER_SNAKE of a reason's Debug name (OK for the binding's None).
fn reason_name(r: ParseReason) -> String {
    if r == ParseReason::None {
        return "OK".into();
    }
    let mut out = String::new();
    for (i, c) in format!("{:?}", r).chars().enumerate() {
        if c.is_uppercase() && i > 0 {
            out.push('_');
        }
        out.push(c.to_ascii_uppercase());
    }
    out
}

#[test]
fn parse_reasons() {
    let table = reasons();
    assert!(table.len() >= 11);
    for (name, value) in &table {
        let r = ParseReason::from_raw(*value);
        assert_eq!(&reason_name(r), name, "value {}", value);
        assert_eq!(r.raw(), *value);
        assert!(!r.describe().is_empty());
    }
}

#[test]
fn grammar() {
    let errnos = errnos();
    let reasons = reasons();
    let rows = table("grammar.tsv", &["input", "nodes", "expect", "reason", "column"]);
    assert!(rows.len() > 100, "{} rows", rows.len());
    for r in &rows {
        let input = unescape(&r[0]);
        let size: u32 = r[1].parse().unwrap();
        let mut map = NodeMap::new(size).unwrap();
        map.insert(0).unwrap(); // not empty: a success must replace it
        let got = map.parse_into(&input);
        if r[2].starts_with('E') {
            let e = got.err().unwrap_or_else(|| panic!("{:?} ({} nodes) parsed to {}", input, size, map));
            assert_eq!(e.errno(), errnos[&r[2]], "{:?}: errno", input);
            assert_eq!(e.reason().raw(), reasons[&r[3]], "{:?}: reason {:?}", input, e.reason());
            assert_eq!(e.column().to_string(), r[4], "{:?}: column", input);
            assert_eq!(map.to_string(), "0", "{:?}: map changed on failure", input);
            // The same failure through FromStr-style parse and io::Error.
            if size == nodeaff::DEFAULT_SIZE {
                let io: io::Error = input.parse::<NodeMap>().unwrap_err().into();
                assert_eq!(errno(&io), Some(errnos[&r[2]]));
            }
        } else {
            got.unwrap_or_else(|e| panic!("{:?} ({} nodes): {}", input, size, e));
            assert_eq!(map.to_string(), r[2], "{:?}", input);
            assert_eq!((r[3].as_str(), r[4].as_str()), ("-", "-"));
            // Display parses back to the same set (the list format).
            assert_eq!(NodeMap::parse(&map.to_string(), size).unwrap(), map);
        }
    }
}

#[test]
fn placement() {
    let errnos = errnos();
    let rows = table("placement.tsv", &["topology", "memory", "vcpus", "flags", "expect", "why"]);
    assert!(rows.len() >= 10);
    for r in &rows {
        let t = Topology::from_file(srcdir().join(&r[0])).unwrap_or_else(|e| panic!("{}: {}", r[0], e));
        let strict = match r[3].as_str() {
            "strict" => true,
            "preferred" => false,
            f => panic!("placement.tsv: flags {:?}", f),
        };
        let got = t.place(r[1].parse().unwrap(), r[2].parse().unwrap(), strict);
        let what = format!("{} {} B {} vCPUs {} ({})", r[0], r[1], r[2], r[3], r[5]);
        if r[4].starts_with('E') {
            let e = got.err().unwrap_or_else(|| panic!("{}: placed, expected {}", what, r[4]));
            assert_eq!(e.raw_os_error(), Some(errnos[&r[4]]), "{}", what);
        } else {
            assert_eq!(got.unwrap_or_else(|e| panic!("{}: {}", what, e)).nodes().to_string(), r[4], "{}", what);
        }
    }
}

#[test]
fn errno_mapping() {
    let rows = table("errno.tsv", &["name", "number", "python", "ocaml", "rust"]);
    let by_name: HashMap<&str, (i32, &str)> =
        rows.iter().map(|r| (r[0].as_str(), (r[1].parse().unwrap(), r[4].as_str()))).collect();
    // Every errno becomes an io::Error of that errno and kind: the
    // binding's one conversion (check(): from_raw_os_error).
    for (name, (n, kind)) in &by_name {
        let e = io::Error::from_raw_os_error(*n);
        assert_eq!(e.raw_os_error(), Some(*n), "{}", name);
        assert_eq!(format!("{:?}", e.kind()), *kind, "{}", name);
    }
    // And the ones a host can provoke, through the binding itself.
    let dir = srcdir();
    let provoked: Vec<(&str, io::Error)> = vec![
        ("EINVAL", NodeMap::new(0).unwrap_err()),
        ("ERANGE", NodeMap::new(4).unwrap().insert(9).unwrap_err()),
        ("EOVERFLOW", io::Error::from("99999999999".parse::<NodeMap>().unwrap_err())),
        ("ENOENT", Topology::from_file(dir.join("no/such.topo")).unwrap_err()),
        ("EISDIR", Topology::from_file(&dir).unwrap_err()),
        ("ENOSPC", Topology::new(1, 1).unwrap().place(1 << 20, 1, false).unwrap_err()),
    ];
    for (name, e) in provoked {
        let (n, kind) = by_name[name];
        assert_eq!(errno(&e), Some(n), "{}: {:?}", name, e);
        assert_eq!(format!("{:?}", io::Error::from_raw_os_error(n).kind()), kind);
        if e.raw_os_error().is_some() {
            assert_eq!(format!("{:?}", e.kind()), kind, "{}", name);
        }
    }
}
