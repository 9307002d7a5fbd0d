/* The topology libnodeaff reads from the hypervisor is the one QEMU was
 * given: node count, per-node memory (less what firmware and Xen keep),
 * CPU -> node, distances.  The file is the rig's topology file, parsed here
 * with the library's own parser.
 *
 * Xen numbers nodes in SRAT order, not by proximity domain (see
 * rig-guest.h), so file node p is compared with Xen node xen_of[p]. */
#include <errno.h>
#include <string.h>

#include "rig-guest.h"
#include "tap.h"

/* QEMU's q35 puts RAM below 4 GiB up to 2 GiB when there is 2.75 GiB or
 * more, else all of it; the rest starts at 4 GiB.  Node memory is laid
 * out in node order.  A node that straddles the split spans the hole. */
static uint64_t hole_inside(const struct rig_env *env, unsigned int file_node)
{
    uint64_t total = 0, start = 0, low;

    for (unsigned int p = 0; p < env->nr_nodes; p++)
        total += env->mem_bytes[env->xen_of[p]];
    low = total >= 0xb0000000ULL ? 0x80000000ULL : total;
    for (unsigned int p = 0; p < file_node; p++)
        start += env->mem_bytes[env->xen_of[p]];
    if (start < low && start + env->mem_bytes[env->xen_of[file_node]] > low)
        return 0x100000000ULL - low;
    return 0;
}

/* vCPUs per node as the library reads them from the running host now. */
static int host_vcpus(const struct rig_env *env, int *ret_vcpus)
{
    struct nodeaff_topology *t = NULL;
    int r = nodeaff_topology_from_host(env->h, &t);

    for (unsigned int x = 0; r == 0 && x < env->nr_nodes; x++) {
        ret_vcpus[x] = nodeaff_topology_node_vcpus(t, x);
        if (ret_vcpus[x] < 0)
            r = ret_vcpus[x];
    }
    nodeaff_topology_free(t);
    return r;
}

/* A new one-vCPU domain counts on exactly the nodes of its affinity:
 * every node with CPUs while automatic, only node `last` once bound. */
static void check_vcpu_counts(struct rig_env *env)
{
    int before[RIG_MAX_NODES], after[RIG_MAX_NODES], bound[RIG_MAX_NODES];
    unsigned int mem[RIG_MAX_NODES], nm = rig_mem_nodes(env, mem);
    unsigned int last = mem[nm - 1], bad_auto = 0, bad_bound = 0, bad_end = 0;
    struct nodeaff_nodemap *one = rig_nodemap(env->nr_nodes, 1, &last);
    int domid, r;

    r = host_vcpus(env, before);
    domid = r ? r : rig_domain_create(env->xch);
    if (domid < 0) {
        tap_ok(0, "vCPU counts: %s", strerror(-domid));
        nodeaff_nodemap_free(one);
        return;
    }
    r = host_vcpus(env, after);
    r = r ? r : nodeaff_domain_set_affinity(env->h, (uint32_t)domid, one, 0);
    r = r ? r : host_vcpus(env, bound);
    for (unsigned int x = 0; r == 0 && x < env->nr_nodes; x++) {
        bad_auto += after[x] != before[x] + (env->ncpus_of[x] ? 1 : 0);
        bad_bound += bound[x] != before[x] + (x == last);
    }
    tap_ok(r == 0 && bad_auto == 0,
           "vCPU counts: a new automatic domain adds 1 on each node with CPUs (%d)", r);
    tap_ok(r == 0 && bad_bound == 0,
           "vCPU counts: bound to {%u} it adds 1 there only (%d)", last, r);
    rig_domain_destroy(env->xch, (uint32_t)domid);
    r = host_vcpus(env, after);
    for (unsigned int x = 0; r == 0 && x < env->nr_nodes; x++)
        bad_end += after[x] != before[x];
    tap_ok(r == 0 && bad_end == 0, "vCPU counts: back to before after destroy (%d)", r);
    nodeaff_nodemap_free(one);
}

int main(int argc, char **argv)
{
    struct rig_env env;
    struct nodeaff_nodemap *online = NULL;
    unsigned int bad, pairs, mapped = 0;
    xc_meminfo_t mi[RIG_MAX_NODES];
    unsigned int nxc = RIG_MAX_NODES;
    int n;

    rig_env_open(&env, argc, argv);

    for (unsigned int p = 0; p < env.nr_nodes; p++)
        if (env.xen_of[p] != p)
            mapped++;
    if (mapped) {
        char buf[480];
        size_t len = 0;

        for (unsigned int p = 0; p < env.nr_nodes && len < sizeof(buf) - 16; p++)
            if (env.xen_of[p] != p)
                len += (size_t)snprintf(buf + len, sizeof(buf) - len, " %u->%u", p,
                                        env.xen_of[p]);
        tap_diag("Xen numbers nodes in SRAT order; file node -> Xen node:%s", buf);
    }

    n = nodeaff_topology_nr_nodes(env.host);
    tap_ok(n == (int)env.nr_nodes, "host has %d node ids, the file %u", n,
           env.nr_nodes);
    n = nodeaff_topology_online_nodes(env.host, &online);
    tap_ok(n == 0 && nodeaff_nodemap_count(online) == (int)env.nr_nodes,
           "online nodes %s (memory-less nodes are online too)", rig_fmt(online));
    nodeaff_nodemap_free(online);

    n = nodeaff_topology_nr_cpus(env.host);
    tap_ok(n == (int)env.nr_cpus, "host has %d CPUs, the file %u", n, env.nr_cpus);

    /* Memory: Xen reports each node's spanned size.  Firmware takes the
     * ACPI tables from the top of low RAM (128 KiB under QEMU); allow a
     * few MiB, and the PCI hole for a node that straddles it. */
    bad = 0;
    for (unsigned int p = 0; p < env.nr_nodes; p++) {
        unsigned int x = env.xen_of[p];
        uint64_t size = 0, freeb = 0, want = env.mem_bytes[x];
        uint64_t slack = 4u << 20, hole = hole_inside(&env, p);
        int r = nodeaff_topology_node_memory(env.host, x, &size, &freeb);
        int ok = r == 0 && size <= want + hole && size + slack >= want &&
                 freeb <= size;

        if (!ok || env.nr_nodes <= 8)
            tap_ok(ok, "node %u (file %u): size %llu KiB, file %llu KiB, free %llu KiB",
                   x, p, (unsigned long long)size >> 10,
                   (unsigned long long)want >> 10, (unsigned long long)freeb >> 10);
        bad += !ok;
    }
    if (env.nr_nodes > 8)
        tap_ok(bad == 0, "memory of all %u nodes matches the file", env.nr_nodes);

    bad = 0;
    for (unsigned int c = 0; c < env.nr_cpus; c++) {
        int fp = nodeaff_topology_cpu_node(env.file, c);
        int hx = nodeaff_topology_cpu_node(env.host, c);

        if (fp < 0 || hx != (int)env.xen_of[fp]) {
            tap_diag("cpu %u: host node %d, file node %d (Xen %d)", c, hx, fp,
                     fp < 0 ? -1 : (int)env.xen_of[fp]);
            bad++;
        }
    }
    tap_ok(bad == 0, "CPU -> node of all %u CPUs matches", env.nr_cpus);

    for (unsigned int x = 0; x < env.nr_nodes && x < 8; x++) {
        struct nodeaff_nodemap *cpus = NULL;
        int r = nodeaff_topology_node_cpus(env.host, x, &cpus);

        tap_ok(r == 0 && nodeaff_nodemap_count(cpus) == (int)env.ncpus_of[x],
               "node %u CPUs %s (%u in the file%s)", x, rig_fmt(cpus),
               env.ncpus_of[x], env.ncpus_of[x] ? "" : ": a CPU-less node");
        nodeaff_nodemap_free(cpus);
    }

    bad = pairs = 0;
    for (unsigned int a = 0; a < env.nr_nodes; a++)
        for (unsigned int b = 0; b < env.nr_nodes; b++) {
            int want = nodeaff_topology_distance(env.file, a, b);
            int got = nodeaff_topology_distance(env.host, env.xen_of[a], env.xen_of[b]);

            pairs++;
            if (want != got) {
                if (bad < 8)
                    tap_diag("distance %u->%u: host %d, file %d", a, b, got, want);
                bad++;
            }
        }
    tap_ok(bad == 0, "distances: %u of %u pairs match (asymmetric ones too)",
           pairs - bad, pairs);

    /* The library's view and libxenctrl's agree (same snapshot source). */
    if (xc_numainfo(env.xch, &nxc, mi, NULL) == 0) {
        bad = 0;
        for (unsigned int x = 0; x < nxc && x < env.nr_nodes; x++) {
            uint64_t size = 0;

            nodeaff_topology_node_memory(env.host, x, &size, NULL);
            if (size != mi[x].memsize)
                bad++;
        }
        tap_ok(bad == 0 && nxc == env.nr_nodes,
               "xc_numainfo agrees: %u nodes, sizes equal", nxc);
    } else {
        tap_ok(0, "xc_numainfo: %s", strerror(errno));
    }

    check_vcpu_counts(&env);

    rig_env_close(&env);
    return tap_done();
}
