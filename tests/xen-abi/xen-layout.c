/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Prints the layout of every Xen public structure field and constant that
 * libnodeaff's upstream operations use (src/xen/upstream-ops.c,
 * host-topology.c, handle.c, stable-ops.c), one "name value" line each,
 * as compiled against the Xen public headers given with -I (a directory
 * holding xen/domctl.h etc.).  check-xen-layout compiles it once per Xen
 * release and compares the lines with 4.17's: the library sends these
 * structures to every release, so any difference is a release that needs
 * more than a table row.  The interface versions come last, prefixed
 * "version", for the comparison with the library's release table.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define __XEN_TOOLS__ 1
#include <xen/xen.h>
#include <xen/domctl.h>
#include <xen/sysctl.h>
#include <xen/version.h>

#define SIZE(t) printf("sizeof %s %zu\n", #t, sizeof(t))
#define OFF(t, f) printf("offsetof %s.%s %zu size %zu\n", #t, #f, \
                         offsetof(t, f), sizeof(((t *)0)->f))
#define CONST(c) printf("const %s %llu\n", #c, (unsigned long long)(c))

int main(void)
{
    /* How every hypercall travels. */
    CONST(__HYPERVISOR_domctl);
    CONST(__HYPERVISOR_sysctl);
    CONST(__HYPERVISOR_xen_version);
    CONST(XENVER_version);
    CONST(DOMID_FIRST_RESERVED);

    /* The domctl frame: the series' struct xen_domctl_nodeaff must keep
     * fitting it on every release too. */
    SIZE(struct xen_domctl);
    OFF(struct xen_domctl, cmd);
    OFF(struct xen_domctl, interface_version);
    OFF(struct xen_domctl, domain);
    OFF(struct xen_domctl, u);

    /* XEN_DOMCTL_setnodeaffinity / getnodeaffinity (68/69). */
    CONST(XEN_DOMCTL_setnodeaffinity);
    CONST(XEN_DOMCTL_getnodeaffinity);
    SIZE(struct xen_domctl_nodeaffinity);
    OFF(struct xen_domctl, u.nodeaffinity.nodemap);
    SIZE(struct xenctl_bitmap);
    OFF(struct xenctl_bitmap, bitmap);
    OFF(struct xenctl_bitmap, nr_bits);

    /* XEN_DOMCTL_getdomaininfo (the version probe) and the entries of
     * XEN_SYSCTL_getdomaininfolist. */
    CONST(XEN_DOMCTL_getdomaininfo);
    SIZE(struct xen_domctl_getdomaininfo);
    OFF(struct xen_domctl_getdomaininfo, domain);
    OFF(struct xen_domctl_getdomaininfo, flags);
    OFF(struct xen_domctl_getdomaininfo, tot_pages);
    OFF(struct xen_domctl_getdomaininfo, max_vcpu_id);
    CONST(XEN_DOMINF_dying);

    /* The sysctl frame. */
    SIZE(struct xen_sysctl);
    OFF(struct xen_sysctl, cmd);
    OFF(struct xen_sysctl, interface_version);
    OFF(struct xen_sysctl, u);

    CONST(XEN_SYSCTL_getdomaininfolist);
    SIZE(struct xen_sysctl_getdomaininfolist);
    OFF(struct xen_sysctl, u.getdomaininfolist.first_domain);
    OFF(struct xen_sysctl, u.getdomaininfolist.max_domains);
    OFF(struct xen_sysctl, u.getdomaininfolist.buffer);
    OFF(struct xen_sysctl, u.getdomaininfolist.num_domains);

    /* physinfo: only the two ids the library reads. */
    CONST(XEN_SYSCTL_physinfo);
    OFF(struct xen_sysctl, u.physinfo.max_cpu_id);
    OFF(struct xen_sysctl, u.physinfo.max_node_id);

    CONST(XEN_SYSCTL_numainfo);
    SIZE(struct xen_sysctl_numainfo);
    OFF(struct xen_sysctl, u.numainfo.num_nodes);
    OFF(struct xen_sysctl, u.numainfo.meminfo);
    OFF(struct xen_sysctl, u.numainfo.distance);
    SIZE(struct xen_sysctl_meminfo);
    OFF(struct xen_sysctl_meminfo, memsize);
    OFF(struct xen_sysctl_meminfo, memfree);
    CONST(XEN_INVALID_MEM_SZ);
    CONST(XEN_INVALID_NODE_DIST);

    CONST(XEN_SYSCTL_cputopoinfo);
    SIZE(struct xen_sysctl_cputopoinfo);
    OFF(struct xen_sysctl, u.cputopoinfo.num_cpus);
    OFF(struct xen_sysctl, u.cputopoinfo.cputopo);
    SIZE(struct xen_sysctl_cputopo);
    OFF(struct xen_sysctl_cputopo, node);
    CONST(XEN_INVALID_NODE_ID);

    printf("version domctl 0x%02x\n", (unsigned int)XEN_DOMCTL_INTERFACE_VERSION);
    printf("version sysctl 0x%02x\n", (unsigned int)XEN_SYSCTL_INTERFACE_VERSION);
    return 0;
}
