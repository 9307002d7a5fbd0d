// Binds a domain strictly to node 1 and prints its usage (run in dom0).
use nodeaff::{Handle, Mode, NodeMap};

fn main() -> std::io::Result<()> {
    let domid: u32 = std::env::args().nth(1).and_then(|a| a.parse().ok()).expect("usage: DOMID");
    let h = Handle::open()?;
    h.set_affinity(domid, &"1".parse::<NodeMap>()?, Mode::Strict)?;
    let st = h.get_state(domid)?;
    println!("domain {} on nodes {} (strict: {}), pages per node: {:?}", domid, st.nodes, st.strict, h.usage(domid)?);
    Ok(())
}
