// SPDX-License-Identifier: LGPL-2.1-or-later
//! Topology, placement and the nodes= value, on the project's topology
//! files, checked against the nodeaff command where it has a view.
mod common;
use common::*;

use std::process::Command;

use nodeaff::{config_nodes, errno, ConfigNodes, Handle, NodeMap, Topology, TopologyFileError};

const MIB: u64 = 1 << 20;

fn two_node() -> Topology {
    Topology::from_file(srcdir().join("qemu-numa-rig/topologies/2node.topo")).unwrap()
}

#[test]
fn from_file() {
    let t = Topology::from_file(srcdir().join("tests/backend/two-nodes.topo")).unwrap();
    assert_eq!((t.nr_nodes(), t.nr_cpus()), (2, 4));
    assert_eq!(t.node_memory(0).unwrap(), (1024 * MIB, 1024 * MIB));
    assert_eq!(t.node_memory(1).unwrap(), (2048 * MIB, 1024 * MIB));
    assert_eq!(t.distance(0, 1).unwrap(), 21);
    assert_eq!(t.distance(1, 1).unwrap(), 10);
    assert_eq!(t.cpu_node(3).unwrap(), 1);
    assert_eq!(t.node_cpus(0).unwrap().to_string(), "0-1");
    assert_eq!(t.online_nodes().unwrap().to_string(), "0-1");
    assert_eq!(t.node_memory(2).unwrap_err().raw_os_error(), Some(ERANGE));
    assert_eq!(t.cpu_node(4).unwrap_err().raw_os_error(), Some(ERANGE));
}

#[test]
fn file_errors() {
    let e = Topology::from_file("/nonexistent/x.topo").unwrap_err();
    assert_eq!(e.raw_os_error(), Some(ENOENT));
    let dir = std::env::temp_dir().join(format!("nodeaff-rust-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let bad = dir.join("bad.topo");
    std::fs::write(&bad, "node 0 mem=1G cpus=0\nnode 1 mem=lots\n").unwrap();
    let e = Topology::from_file(&bad).unwrap_err();
    let detail = e.get_ref().unwrap().downcast_ref::<TopologyFileError>().unwrap();
    assert_eq!((detail.errno, detail.line), (EINVAL, 2));
    assert_eq!(errno(&e), Some(EINVAL));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn built_by_hand() {
    let mut t = Topology::new(3, 2).unwrap();
    t.set_node_memory(0, 4 << 30, 1 << 30).unwrap();
    t.set_node_memory(1, 4 << 30, 3 << 30).unwrap();
    t.set_cpu_node(0, 0).unwrap();
    t.set_cpu_node(1, 1).unwrap();
    t.set_node_online(2, false).unwrap();
    assert_eq!(t.online_nodes().unwrap().to_string(), "0-1");
    assert_eq!(t.set_distance(0, 0, 20).unwrap_err().raw_os_error(), Some(EINVAL));
    assert_eq!(t.set_node_memory(0, 1, 2).unwrap_err().raw_os_error(), Some(EINVAL));
    assert_eq!(t.node_memory(2).unwrap_err().raw_os_error(), Some(ENOENT));
    let p = t.place(2 << 30, 1, false).unwrap();
    assert_eq!(p.nodes().to_string(), "1");
}

/// The nodeaff command's JSON "nodes" for the same placement.
fn cli_place(topo: &std::path::Path, mib: u64, vcpus: u32) -> Option<String> {
    let tool = std::env::var_os("NODEAFF_TOOL")?;
    let out = Command::new(tool)
        .args(["--json", "place", "--memory", &format!("{}M", mib), "--vcpus", &vcpus.to_string(),
               "--topology"])
        .arg(topo)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let s = String::from_utf8(out.stdout).unwrap();
    let i = s.find("\"nodes\": ").unwrap() + 9;
    let j = s[i..].find(']').unwrap() + i + 1;
    Some(s[i..j].to_string())
}

#[test]
fn placement_matches_the_command() {
    let path = srcdir().join("tests/backend/two-nodes.topo");
    let t = Topology::from_file(&path).unwrap();
    for (mib, vcpus) in [(256, 1), (900, 2), (1500, 4)] {
        let p = t.place(mib * MIB, vcpus, false).unwrap();
        if let Some(cli) = cli_place(&path, mib, vcpus) {
            assert_eq!(p.nodes().format(nodeaff::Format::Json), cli, "{} MiB", mib);
        }
        let c = p.candidates().unwrap();
        assert_eq!(c.len() as u32, p.nr_candidates());
        assert_eq!(c[0].nodes, p.nodes());
        assert!(!c[0].verdict.is_empty());
    }
}

#[test]
fn placement_errors_and_lifetimes() {
    let t = two_node();
    let e = t.place(3 << 30, 2, true).unwrap_err();
    assert_eq!(e.raw_os_error(), Some(ENOSPC));
    assert_eq!(t.place(0, 1, false).unwrap_err().raw_os_error(), Some(EINVAL));
    assert_eq!(t.place(MIB, 0, false).unwrap_err().raw_os_error(), Some(EINVAL));
    let p = t.place(64 * MIB, 1, true).unwrap();
    assert_eq!(p.candidate(p.nr_candidates()).unwrap_err().raw_os_error(), Some(ERANGE));
    // What a placement hands out is a copy: it outlives the placement,
    // and the placement outlives the topology it came from.
    let nodes = p.nodes();
    let cand = p.candidate(0).unwrap();
    drop(t);
    let again = p.nodes();
    drop(p);
    assert_eq!(nodes, again);
    assert_eq!(cand.nodes, nodes);
}

#[test]
fn config_value() {
    let t = two_node();
    match config_nodes(r#"["1"]"#, &t, 64 * MIB, 1, false).unwrap() {
        ConfigNodes::Explicit(m) => assert_eq!(m.to_string(), "1"),
        other => panic!("{:?}", other),
    }
    match config_nodes("auto", &t, 64 * MIB, 1, true).unwrap() {
        ConfigNodes::Auto(m) => assert_eq!(m.count(), 1),
        other => panic!("{:?}", other),
    }
    let e = config_nodes(r#""0-""#, &t, MIB, 1, false).unwrap_err();
    assert_eq!(errno(&e), Some(EINVAL));
    let p = e.get_ref().unwrap().downcast_ref::<nodeaff::ParseError>().unwrap();
    assert_eq!(p.column(), 4);
    assert_eq!(errno(&config_nodes("none", &t, MIB, 1, false).unwrap_err()), Some(EINVAL));
    assert_eq!(errno(&config_nodes("5", &t, MIB, 1, false).unwrap_err()), Some(ERANGE));
    let _ = NodeMap::new(1).unwrap();
}

#[test]
fn handle_outside_dom0_is_an_error_not_a_crash() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<Handle>();
    assert_send_sync::<Topology>();
    assert_send_sync::<nodeaff::Placement>();
    match Handle::open() {
        // Not dom0 (the host tests' case): no privcmd, or not ours.
        Err(e) => assert!(
            matches!(e.raw_os_error(), Some(ENOENT) | Some(EACCES)),
            "Handle::open: {:?}",
            e
        ),
        Ok(h) => drop(h), // run in dom0: the rig tests cover it
    }
}
