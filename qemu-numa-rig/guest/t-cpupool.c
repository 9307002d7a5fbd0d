/* Cpupools (the RFC's open TODO).
 *
 * With a cpupool made of one node's CPUs: a domain with automatic
 * affinity that moves into it follows to that node (Xen recomputes the
 * automatic set from the pool's CPUs), and a domain with explicit
 * affinity keeps its own.  Both are checked by where new pages land.
 * Pool-0 keeps the CPUs of dom0's node, so the pool's node must be
 * another node with CPUs and memory. */
#include <errno.h>
#include <string.h>

#include "rig-guest.h"
#include "tap.h"

#define PAGES 2048

static int cpus_to(xc_interface *xch, const struct rig_env *env, unsigned int node,
                   uint32_t from, uint32_t to)
{
    for (unsigned int c = 0; c < env->nr_cpus; c++) {
        if (nodeaff_topology_cpu_node(env->host, c) != (int)node)
            continue;
        if (xc_cpupool_removecpu(xch, from, (int)c) || xc_cpupool_addcpu(xch, to, (int)c))
            return -errno;
    }
    return 0;
}

/* Populates PAGES more pages and returns on which node they went. */
static void landed(struct rig_env *env, uint32_t domid, uint64_t *ret_new)
{
    struct rig_pages a, b;
    uint64_t done;

    int r;

    rig_read_pages(env, domid, &a);
    r = rig_populate(env->xch, domid, PAGES, &done);
    rig_read_pages(env, domid, &b);
    if (r || done != PAGES || a.key_rc <= 0 || b.key_rc <= 0)
        tap_diag("domain %u: populate %d, %llu pages; key 'u' %d/%d", domid, r,
                 (unsigned long long)done, a.key_rc, b.key_rc);
    for (unsigned int i = 0; i < RIG_MAX_NODES; i++)
        ret_new[i] = b.key[i] - a.key[i];
}

int main(int argc, char **argv)
{
    struct rig_env env;
    unsigned int pnode = UINT32_MAX, other = UINT32_MAX, flags = 0;
    int dom0_node, sched = 0, a, b, r;
    uint32_t pool = XC_CPUPOOL_POOLID_ANY;
    struct nodeaff_nodemap *poolset, *own, *got = NULL;
    uint64_t nw[RIG_MAX_NODES];

    rig_env_open(&env, argc, argv);
    dom0_node = nodeaff_topology_cpu_node(env.host, 0);
    for (unsigned int x = 0; x < env.nr_nodes; x++)
        if ((int)x != dom0_node && env.ncpus_of[x] && env.mem_bytes[x]) {
            pnode = x;
            break;
        }
    if (pnode == UINT32_MAX) {
        tap_skip("no node besides dom0's with both CPUs and memory for a pool");
        rig_env_close(&env);
        return tap_done();
    }
    for (unsigned int x = 0; x < env.nr_nodes; x++)
        if (x != pnode && env.mem_bytes[x]) {
            other = x;
            break;
        }
    poolset = rig_nodemap(env.nr_nodes, 1, &pnode);
    own = rig_nodemap(env.nr_nodes, 1, &other);

    xc_sched_id(env.xch, &sched);
    r = xc_cpupool_create(env.xch, &pool, (uint32_t)sched);
    tap_ok(r == 0, "cpupool %u created (scheduler %d)", pool, sched);
    r = cpus_to(env.xch, &env, pnode, 0, pool);
    tap_ok(r == 0, "node %u's CPUs moved from Pool-0 to pool %u: %d", pnode, pool, r);

    a = rig_domain_create(env.xch);
    b = rig_domain_create(env.xch);
    if (a < 0 || b < 0)
        tap_bail("create domains: %d %d", a, b);
    r = nodeaff_domain_set_affinity(env.h, (uint32_t)b, own, 0);
    tap_ok(r == 0, "domain B: explicit affinity {%s}", rig_fmt(own));

    r = xc_cpupool_movedomain(env.xch, pool, (uint32_t)a);
    tap_ok(r == 0, "domain A (automatic) moved into the pool");
    r = nodeaff_domain_get_affinity(env.h, (uint32_t)a, &got);
    tap_ok(r == 0 && nodeaff_nodemap_equal(got, poolset) == 1,
           "domain A's automatic affinity followed the pool: {%s}", rig_fmt(got));
    nodeaff_nodemap_free(got);
    got = NULL;
    if (env.series) {
        r = nodeaff_domain_get_state(env.h, (uint32_t)a, NULL, &flags);
        tap_ok(r == 0 && flags == NODEAFF_AUTO, "domain A is still automatic (0x%x)", flags);
    }
    landed(&env, (uint32_t)a, nw);
    tap_ok(nw[pnode] == PAGES, "domain A's new pages on node %u (%s)", pnode,
           rig_fmt_pages(nw, env.nr_nodes));

    r = xc_cpupool_movedomain(env.xch, pool, (uint32_t)b);
    tap_ok(r == 0, "domain B (explicit) moved into the pool");
    r = nodeaff_domain_get_affinity(env.h, (uint32_t)b, &got);
    tap_ok(r == 0 && nodeaff_nodemap_equal(got, own) == 1,
           "domain B keeps its own affinity {%s}", rig_fmt(got));
    nodeaff_nodemap_free(got);
    got = NULL;
    landed(&env, (uint32_t)b, nw);
    tap_ok(nw[other] == PAGES, "domain B's new pages on node %u (%s)", other,
           rig_fmt_pages(nw, env.nr_nodes));

    /* Back to Pool-0: the automatic one follows again. */
    r = xc_cpupool_movedomain(env.xch, 0, (uint32_t)a);
    r = r ? r : nodeaff_domain_get_affinity(env.h, (uint32_t)a, &got);
    tap_ok(r == 0 && nodeaff_nodemap_test(got, pnode) == 0,
           "domain A back in Pool-0: automatic affinity {%s} (no CPU of node %u there)",
           rig_fmt(got), pnode);
    nodeaff_nodemap_free(got);

    r = rig_domain_destroy(env.xch, (uint32_t)a);
    r |= rig_domain_destroy(env.xch, (uint32_t)b);
    r |= cpus_to(env.xch, &env, pnode, pool, 0);
    r |= xc_cpupool_destroy(env.xch, pool);
    tap_ok(r == 0, "cleanup: domains destroyed, CPUs back in Pool-0, pool destroyed");

    nodeaff_nodemap_free(poolset);
    nodeaff_nodemap_free(own);
    rig_env_close(&env);
    return tap_done();
}
