// SPDX-License-Identifier: LGPL-2.1-or-later
//! The nodeaff crate against the running hypervisor, in the rig's dom0:
//!     t-rust TOPOLOGY-FILE           (TAP on stdout)
//! A domain made here (libxenctrl, xc.rs) is bound, read back and
//! populated through the safe API, each result checked against the C
//! library's own view, the nodeaff command's --json output.  On a
//! hypervisor without the series (stock Xen) strict, state and usage must
//! fail with EOPNOTSUPP and set/get/reset must still work.  Then the
//! crate's example bind-strict (dom0's /usr/bin) runs on a fresh domain.
#[path = "../xc.rs"]
mod xc;

use std::io;
use std::process::Command;

use nodeaff::{ClaimError, ClaimShortfall, Features, Handle, Mode, NodeMap, Topology};

const EINVAL: i32 = 22;
const ESRCH: i32 = 3;
const EOPNOTSUPP: i32 = 95;

struct Tap {
    n: u32,
    failed: u32,
}

impl Tap {
    fn ok(&mut self, cond: bool, desc: &str) -> bool {
        self.n += 1;
        if !cond {
            self.failed += 1;
        }
        println!("{} {} - {}", if cond { "ok" } else { "not ok" }, self.n, desc);
        cond
    }
    fn errno<T: std::fmt::Debug>(&mut self, r: io::Result<T>, want: i32, desc: &str) -> bool {
        let got = r.as_ref().err().and_then(|e| e.raw_os_error());
        let ok = self.ok(got == Some(want), desc);
        if !ok {
            println!("# got {:?}, want errno {}", r, want);
        }
        ok
    }
}

/// nodeaff --json ARGS from dom0's PATH: the C library's view.
fn cli(args: &[&str]) -> Result<String, String> {
    let o = Command::new("nodeaff").arg("--json").args(args).output().map_err(|e| e.to_string())?;
    if !o.status.success() {
        return Err(String::from_utf8_lossy(&o.stderr).trim().to_string());
    }
    Ok(String::from_utf8_lossy(&o.stdout).into_owned())
}

/// The numbers of the first "key":[...] array in a JSON text.
fn json_array(text: &str, key: &str) -> Option<Vec<u64>> {
    let pat = format!("\"{}\":[", key);
    let i = text.find(&pat)? + pat.len();
    let j = text[i..].find(']')? + i;
    text[i..j].split(',').filter(|s| !s.is_empty()).map(|s| s.trim().parse().ok()).collect()
}

/// Node claims through the safe API (patch 0008): a claim shows in the
/// domain's and the host's figures, populating consumes it, a claim larger
/// than the node's free memory is refused with where it fell short, and
/// cancel and destroy leave nothing behind.
fn check_claims(t: &mut Tap, h: &Handle, xc: &xc::Xc, node: usize, nr_nodes: usize) {
    let (base, _) = h.host_claims().unwrap_or_default();
    t.ok(base.len() == nr_nodes, &format!("host_claims: one entry per node {:?}", base));
    let mut dom = xc.create().expect("create a domain");
    let id = dom.id;
    let mut want = vec![0u64; nr_nodes];
    want[node] = 2048;
    t.ok(h.claim(id, &want).is_ok(), &format!("claim 2048 pages on node {}", node));
    let got = h.get_claim(id);
    t.ok(matches!(&got, Ok((p, 0)) if *p == want), &format!("get_claim {:?}", got));
    let host = h.host_claims().map(|(p, _)| p).unwrap_or_default();
    t.ok(host.get(node).copied() == Some(base[node] + 2048), &format!("host_claims {:?} include it", host));
    let strict = NodeMap::from_nodes(nr_nodes as u32, [node as u32]).unwrap();
    t.ok(h.set_affinity(id, &strict, Mode::Strict).is_ok(), "strict on the claimed node");
    t.ok(dom.populate(1024).is_ok(), "populated 1024 pages");
    let got = h.get_claim(id).map(|(p, _)| p).unwrap_or_default();
    t.ok(got.get(node).copied() == Some(1024), &format!("populate consumed half the claim: {:?}", got));
    let mut huge = vec![0u64; nr_nodes];
    huge[node] = 1 << 30; // 4 TiB: beyond the node, within max_pages (32 bits)
    let r = h.claim(id, &huge);
    t.ok(
        matches!(r, Err(ClaimError::Short(ClaimShortfall { node: Some(n), .. })) if n as usize == node),
        &format!("a claim beyond the node is Short at node {}: {:?}", node, r),
    );
    let got = h.get_claim(id).map(|(p, _)| p).unwrap_or_default();
    t.ok(got.get(node).copied() == Some(1024), "the refused claim changed nothing");
    t.ok(h.cancel_claim(id).is_ok(), "cancel_claim");
    t.ok(h.get_claim(id).map(|(p, _)| p.iter().sum::<u64>()).ok() == Some(0), "no claim left");
    t.ok(h.claim(id, &want).is_ok(), "claim again");
    drop(dom);
    let after = h.host_claims().map(|(p, _)| p).unwrap_or_default();
    t.ok(after == base, &format!("destroy released it: host claims {:?}", after));
    t.errno(h.get_claim(id), ESRCH, "get_claim on the destroyed domain is ESRCH");
}

fn main() {
    let mut t = Tap { n: 0, failed: 0 };
    let topo_path = std::env::args().nth(1).unwrap_or_else(|| "/rig/topology.topo".into());
    let h = match Handle::open() {
        Ok(h) => h,
        Err(e) => {
            println!("Bail out! Handle::open: {}", e);
            std::process::exit(1);
        }
    };
    let f = h.features();
    let all = Features(
        Features::AFFINITY.0 | Features::STRICT.0 | Features::USAGE.0 | Features::STATE.0 | Features::CLAIMS.0,
    );
    let series = f == all;
    println!("# features {:#x}: {}", f.0, if series { "the libnodeaff series" } else { "stock" });
    t.ok(series || f == Features::AFFINITY, "features: all five (series) or affinity only (stock)");

    let file = Topology::from_file(&topo_path).expect("the rig's topology file");
    let host = Topology::from_host(&h);
    let nr_nodes = host.as_ref().map(|x| x.nr_nodes()).unwrap_or(0);
    t.ok(nr_nodes == file.nr_nodes(), &format!("Topology::from_host: {} nodes, as the file", nr_nodes));
    let last = nr_nodes.saturating_sub(1);
    let node: NodeMap = NodeMap::from_nodes(nr_nodes.max(1), [last]).unwrap();

    let xc = xc::Xc::open().expect("xc_interface_open");
    let mut dom = xc.create().expect("create a domain");
    let id = dom.id;
    println!("# domain {}", id);
    t.ok(h.domains().map(|d| d.contains(&id)).unwrap_or(false), "Handle::domains lists the new domain");

    let pages: u64 = 4096;
    if series {
        t.ok(h.set_affinity(id, &node, Mode::Strict).is_ok(), &format!("strict set to node {}", last));
        let st = h.get_state(id);
        t.ok(
            matches!(&st, Ok(s) if s.nodes == node && s.strict && !s.auto),
            &format!("get_state: {{{}}}, explicit, strict ({:?})", last, st),
        );
        let view = cli(&["get", &id.to_string()]).unwrap_or_default();
        t.ok(
            view.contains(&format!("\"nodes\":{}", node.format(nodeaff::Format::Json)))
                && view.contains("\"mode\":\"explicit\",\"strict\":true"),
            &format!("nodeaff get agrees: {}", view.trim()),
        );
        t.ok(dom.populate(pages).is_ok(), &format!("populated {} pages", pages));
        let usage = h.usage(id).unwrap_or_default();
        let mut want = vec![0u64; nr_nodes as usize];
        want[last as usize] = pages;
        t.ok(usage == want, &format!("usage {:?}: every page on node {}", usage, last));
        let view = cli(&["usage", &id.to_string()]).unwrap_or_default();
        t.ok(json_array(&view, "per_node") == Some(usage.clone()), "nodeaff usage --json agrees");
        // Four threads share one Handle (Send + Sync) and the nodemap.
        let results: Vec<bool> = std::thread::scope(|s| {
            let hs: Vec<_> = (0..4)
                .map(|_| s.spawn(|| (0..50).all(|_| h.usage(id).map(|u| u == want).unwrap_or(false))))
                .collect();
            hs.into_iter().map(|x| x.join().unwrap()).collect()
        });
        t.ok(results.iter().all(|&b| b), "4 threads x 50 usage queries on one &Handle agree");
        check_claims(&mut t, &h, &xc, last as usize, nr_nodes as usize);
    } else {
        t.errno(h.set_affinity(id, &node, Mode::Strict), EOPNOTSUPP, "stock: strict set is EOPNOTSUPP");
        t.errno(h.get_state(id), EOPNOTSUPP, "stock: get_state is EOPNOTSUPP");
        t.errno(h.usage(id), EOPNOTSUPP, "stock: usage is EOPNOTSUPP");
        t.errno(h.cancel_claim(id), EOPNOTSUPP, "stock: cancel_claim is EOPNOTSUPP");
        t.errno(h.host_claims(), EOPNOTSUPP, "stock: host_claims is EOPNOTSUPP");
        t.ok(h.set_affinity(id, &node, Mode::Preferred).is_ok(), "stock: preferred set works");
        let got = h.get_affinity(id);
        t.ok(matches!(&got, Ok(m) if *m == node), &format!("stock: get_affinity {:?}", got));
        let view = cli(&["get", &id.to_string()]).unwrap_or_default();
        t.ok(
            view.contains(&format!("\"nodes\":{}", node.format(nodeaff::Format::Json))),
            &format!("nodeaff get agrees: {}", view.trim()),
        );
        t.ok(dom.populate(pages).is_ok(), &format!("populated {} pages", pages));
    }
    t.ok(h.reset_affinity(id).is_ok(), "reset");
    if series {
        let st = h.get_state(id);
        t.ok(matches!(&st, Ok(s) if s.auto && !s.strict), "get_state after reset: automatic, preferred");
    }
    t.errno(h.get_affinity(0x7ff0), EINVAL, "domid 0x7ff0 (reserved) is EINVAL");
    drop(dom);
    t.errno(h.get_affinity(id), ESRCH, "the destroyed domain is ESRCH");

    // The crate's ten-line example, on a fresh domain: bound while empty,
    // then again after 256 pages were populated (all on node 1 if strict).
    let mut dom = xc.create().expect("create a domain");
    let run = |id: u32| -> (bool, String, String) {
        match Command::new("bind-strict").arg(id.to_string()).output() {
            Ok(o) => {
                let out = String::from_utf8_lossy(&o.stdout).trim().to_string();
                let err = String::from_utf8_lossy(&o.stderr).trim().to_string();
                for l in out.lines().chain(err.lines()) {
                    println!("# bind-strict {}: {}", id, l);
                }
                (o.status.success(), out, err)
            }
            Err(e) => (false, String::new(), format!("cannot run bind-strict: {}", e)),
        }
    };
    if series && nr_nodes >= 2 {
        let id = dom.id;
        let line = |pages: &[u64]| format!("domain {} on nodes 1 (strict: true), pages per node: {:?}", id, pages);
        let mut want = vec![0u64; nr_nodes as usize];
        let (ok1, out1, _) = run(dom.id);
        t.ok(ok1 && out1 == line(&want), "the example binds the empty domain strictly to node 1");
        t.ok(dom.populate(256).is_ok(), "populated 256 pages after the example's binding");
        want[1] = 256;
        let (ok2, out2, _) = run(dom.id);
        t.ok(ok2 && out2 == line(&want), "the example prints the usage: all 256 pages on node 1");
    } else if !series {
        let (ok1, _, err) = run(dom.id);
        t.ok(!ok1 && err.contains("Operation not supported"), "stock: the example fails with EOPNOTSUPP");
    }
    drop(dom);
    println!("1..{}", t.n);
    std::process::exit(if t.failed > 0 { 1 } else { 0 });
}
