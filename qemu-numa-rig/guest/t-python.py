#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""The nodeaff Python package against the running hypervisor (dom0, TAP).

    t-python.py TOPOLOGY-FILE

Runs in the rig's dom0 under Debian's python3.11 (rig --python): topology,
features, then a domain created here (libxenctrl through ctypes: there is
no Python libxenctrl binding) taken through set/get/state/usage/reset,
strict and preferred, each result checked against the C library's own
view, the nodeaff command's --json output.  On a hypervisor without the
series (stock Xen), strict, state and usage must raise NotSupportedError,
an OSError with errno EOPNOTSUPP, and set/get/reset must still work.
"""

import ctypes
import errno
import json
import subprocess
import sys
import traceback

import nodeaff
from nodeaff import Feature

n_test = 0
failed = 0


def ok(cond, desc):
    global n_test, failed
    n_test += 1
    if not cond:
        failed += 1
    print(f"{'ok' if cond else 'not ok'} {n_test} - {desc}", flush=True)
    return cond


def raises(cls, err, fn, *args, **kw):
    """True if fn(*args) raises cls (an OSError subclass) with errno err."""
    try:
        fn(*args, **kw)
    except cls as e:
        return isinstance(e, OSError) and e.errno == err
    except Exception as e:  # noqa: BLE001 - reported as a failure
        print(f"# {fn.__name__}: unexpected {type(e).__name__}: {e}")
        return False
    return False


def cli(*args):
    """The C library's view: nodeaff --json ARGS (from dom0's PATH)."""
    p = subprocess.run(["nodeaff", "--json", *map(str, args)], capture_output=True, text=True)
    if p.returncode != 0:
        raise RuntimeError(f"nodeaff {' '.join(map(str, args))}: exit {p.returncode}: "
                           f"{p.stderr.strip()}")
    return json.loads(p.stdout)


# --- a domain, as a toolstack makes one (libxenctrl through ctypes) ---------

class CreateDomain(ctypes.Structure):
    """struct xen_domctl_createdomain, Xen 4.17 (64 bytes)."""
    _fields_ = [("ssidref", ctypes.c_uint32), ("handle", ctypes.c_uint8 * 16),
                ("flags", ctypes.c_uint32), ("iommu_opts", ctypes.c_uint32),
                ("max_vcpus", ctypes.c_uint32), ("max_evtchn_port", ctypes.c_uint32),
                ("max_grant_frames", ctypes.c_int32), ("max_maptrack_frames", ctypes.c_int32),
                ("grant_opts", ctypes.c_uint32), ("vmtrace_size", ctypes.c_uint32),
                ("cpupool_id", ctypes.c_uint32), ("emulation_flags", ctypes.c_uint32),
                ("misc_flags", ctypes.c_uint32)]


class Xc:
    """The few libxenctrl calls the rig's C helper (rig-guest.c) makes."""

    def __init__(self):
        self.lib = ctypes.CDLL("libxenctrl.so.4.17", use_errno=True)
        L = self.lib
        L.xc_interface_open.restype = ctypes.c_void_p
        L.xc_interface_open.argtypes = [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_uint]
        L.xc_domain_create.argtypes = [ctypes.c_void_p, ctypes.POINTER(ctypes.c_uint32),
                                       ctypes.POINTER(CreateDomain)]
        L.xc_domain_max_vcpus.argtypes = [ctypes.c_void_p, ctypes.c_uint32, ctypes.c_uint]
        L.xc_domain_setmaxmem.argtypes = [ctypes.c_void_p, ctypes.c_uint32, ctypes.c_uint64]
        L.xc_domain_destroy.argtypes = [ctypes.c_void_p, ctypes.c_uint32]
        L.xc_domain_populate_physmap.argtypes = [
            ctypes.c_void_p, ctypes.c_uint32, ctypes.c_ulong, ctypes.c_uint, ctypes.c_uint,
            ctypes.POINTER(ctypes.c_ulong)]
        self.xch = L.xc_interface_open(None, None, 0)
        if not self.xch:
            raise OSError(ctypes.get_errno(), "xc_interface_open")
        self.next_gpfn = 0x1000

    def _check(self, r, what):
        if r != 0:
            e = ctypes.get_errno()
            raise OSError(e, f"{what}: {errno.errorcode.get(e, e)}")

    def create(self):
        cfg = CreateDomain(max_vcpus=1, max_evtchn_port=1023, max_grant_frames=1,
                           max_maptrack_frames=0, grant_opts=1)
        domid = ctypes.c_uint32(0)
        self._check(self.lib.xc_domain_create(self.xch, ctypes.byref(domid), ctypes.byref(cfg)),
                    "xc_domain_create")
        # vCPUs make the automatic node affinity follow the cpupool.
        self._check(self.lib.xc_domain_max_vcpus(self.xch, domid.value, 1), "max_vcpus")
        self._check(self.lib.xc_domain_setmaxmem(self.xch, domid.value, (2 ** 64 - 1) >> 12),
                    "setmaxmem")
        return domid.value

    def populate(self, domid, nr):
        pfns = (ctypes.c_ulong * nr)(*range(self.next_gpfn, self.next_gpfn + nr))
        self.next_gpfn += nr
        r = self.lib.xc_domain_populate_physmap(self.xch, domid, nr, 0, 0, pfns)
        return r

    def destroy(self, domid):
        self._check(self.lib.xc_domain_destroy(self.xch, domid), "xc_domain_destroy")


def check_topology(h):
    topo = h.topology()
    want = cli("topology")
    ok(topo.nr_nodes == want["nr_nodes"] and topo.nr_cpus == want["nr_cpus"],
       f"topology: {topo.nr_nodes} nodes, {topo.nr_cpus} CPUs, as nodeaff topology says")
    mine = topo.to_dict()
    same = all(m["id"] == c["node"] and m["online"] == c["online"]
               and m["size"] == c["memory_bytes"] and m["cpus"] == c["cpus"]
               for m, c in zip(mine["nodes"], want["nodes"]))
    ok(same, "topology: per-node online, memory size and CPUs match the C command")
    ok(mine["distances"] == want["distances"], f"topology: distances {mine['distances']}")
    return topo


def run(topo_file):
    try:
        h = nodeaff.Host()
    except OSError as e:
        print(f"Bail out! nodeaff.Host(): {e}")
        return 1
    ok(isinstance(h.features, Feature) and Feature.AFFINITY in h.features,
       f"features: {h.features!r}")
    series = Feature.STRICT in h.features
    if series:
        ok(h.features == (Feature.AFFINITY | Feature.STRICT | Feature.USAGE | Feature.STATE
                          | Feature.CLAIMS),
           "patched Xen: every feature")
    else:
        ok(h.features == Feature.AFFINITY, "stock Xen: affinity only")
    topo = check_topology(h)
    mem_nodes = [n.id for n in topo.nodes if n.online and n.size]
    last = mem_nodes[-1]

    xc = Xc()
    domid = xc.create()
    ok(domid in h.domains() and 0 in h.domains(), f"domains() lists dom0 and new domain {domid}")
    try:
        # Preferred, then strict, on the highest node with memory.
        h.set_affinity(domid, str(last))
        got = h.get_affinity(domid)
        c = cli("get", domid)
        ok(got == {last} and c["nodes"] == list(got),
           f"preferred {{{last}}}: get_affinity {got} == nodeaff get {c['nodes']}")
        if series:
            st = h.get_state(domid)
            ok(st.mode == "preferred" and st.nodes == {last} and c["mode"] == "explicit"
               and c["strict"] is False, f"get_state: {st.mode} {st.nodes}; C: {c['mode']}")
            h.set_affinity(domid, nodeaff.NodeMap([last], size=topo.nr_nodes), strict=True)
            st = h.get_state(domid)
            c = cli("get", domid)
            ok(st.strict and not st.automatic and st.nodes == {last} and c["strict"] is True
               and c["nodes"] == [last], f"strict {{{last}}}: get_state {st.to_dict()}")
            r = xc.populate(domid, 256)
            u = h.usage(domid)
            cu = cli("usage", domid)["domains"][0]["per_node"]
            ok(r == 256 and u[last] == 256 and sum(u) == 256 and u == cu,
               f"strict: 256 pages populated, usage {u} == nodeaff usage {cu}")
            # Back to preferred on every node with memory.
            h.set_affinity(domid, mem_nodes)
            st = h.get_state(domid)
            ok(st.mode == "preferred" and list(st.nodes) == mem_nodes,
               f"preferred {mem_nodes}: get_state {st.to_dict()}")
            r = xc.populate(domid, 128)
            u = h.usage(domid)
            ok(r == 128 and sum(u) == 384 and u == cli("usage", domid)["domains"][0]["per_node"],
               f"preferred: 128 more pages, usage {u} (total 384) == nodeaff usage")
        else:
            ok(raises(nodeaff.NotSupportedError, errno.EOPNOTSUPP,
                      h.set_affinity, domid, [last], strict=True),
               "stock Xen: strict set raises NotSupportedError (EOPNOTSUPP, an OSError)")
            ok(raises(nodeaff.NotSupportedError, errno.EOPNOTSUPP, h.get_state, domid),
               "stock Xen: get_state raises NotSupportedError")
            ok(raises(nodeaff.NotSupportedError, errno.EOPNOTSUPP, h.usage, domid),
               "stock Xen: usage raises NotSupportedError")
            ok(h.get_affinity(domid) == {last}, "stock Xen: a refused strict set changed nothing")
            ok(xc.populate(domid, 64) == 64, "stock Xen: 64 pages populated")
        h.reset_affinity(domid)
        c = cli("get", domid)
        got = h.get_affinity(domid)
        ok(list(got) == c["nodes"] and (not series or c["mode"] == "automatic"),
           f"reset: get_affinity {got} == nodeaff get {c['nodes']} ({c['mode']})")
        if series:
            st = h.get_state(domid)
            ok(st.automatic and not st.strict and st.mode == "automatic",
               f"reset: get_state {st.to_dict()}")
        # Errors: OSError subclasses with the errno.
        ok(raises(nodeaff.NoSuchDomainError, errno.ESRCH, h.get_affinity, 32000)
           and raises(ProcessLookupError, errno.ESRCH, h.reset_affinity, 32000),
           "domain 32000: NoSuchDomainError (ESRCH, a ProcessLookupError)")
        ok(raises(nodeaff.OutOfRangeError, errno.ERANGE, h.set_affinity, domid,
                  nodeaff.NodeMap([topo.nr_nodes])),
           f"node {topo.nr_nodes} on a {topo.nr_nodes}-node host: OutOfRangeError (ERANGE)")
        ok(raises(nodeaff.InvalidArgumentError, errno.EINVAL, h.set_affinity, domid,
                  nodeaff.NodeMap()), "empty set: InvalidArgumentError (EINVAL)")
        ok(raises(nodeaff.InvalidArgumentError, errno.EINVAL, h.get_affinity, 0x7ff0),
           "reserved domid 0x7ff0: InvalidArgumentError (EINVAL)")
        ok(raises(nodeaff.ParseError, errno.EINVAL, h.set_affinity, domid, "0,,1"),
           "malformed nodeset text: ParseError")
    finally:
        xc.destroy(domid)
    ok(raises(nodeaff.NoSuchDomainError, errno.ESRCH, h.get_affinity, domid),
       f"destroyed domain {domid}: NoSuchDomainError")
    with h:
        pass
    ok(h.closed, "Host is a context manager and closes")
    return 0


def main():
    try:
        rc = run(sys.argv[1] if len(sys.argv) > 1 else "")
    except Exception:  # noqa: BLE001 - any crash is a failure, with its traceback
        for line in traceback.format_exc().splitlines():
            print(f"# {line}")
        print(f"not ok {n_test + 1} - t-python.py crashed")
        print(f"1..{n_test + 1}")
        return 1
    print(f"1..{n_test}")
    return 1 if failed or rc else 0


if __name__ == "__main__":
    sys.exit(main())
