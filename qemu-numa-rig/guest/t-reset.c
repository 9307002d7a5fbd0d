/* Reset returns a domain to automatic node affinity, and get says so.
 *
 * Xen computes an automatic affinity from where the domain's vCPUs may run
 * (domain_update_node_aff()): the nodes of the CPUs of its cpupool.  So
 * the automatic set is every node with CPUs (a memory-less node with CPUs
 * included, a CPU-less node not), which this test asserts. */
#include <errno.h>
#include <string.h>

#include "rig-guest.h"
#include "tap.h"

int main(int argc, char **argv)
{
    struct rig_env env;
    struct nodeaff_nodemap *autoset, *set, *got = NULL;
    unsigned int cpu_nodes[RIG_MAX_NODES], ncn = 0, mem[RIG_MAX_NODES], nm;
    unsigned int flags = 0;
    int domid, r;

    rig_env_open(&env, argc, argv);
    for (unsigned int x = 0; x < env.nr_nodes; x++)
        if (env.ncpus_of[x])
            cpu_nodes[ncn++] = x;
    autoset = rig_nodemap(env.nr_nodes, ncn, cpu_nodes);
    nm = rig_mem_nodes(&env, mem);
    set = rig_nodemap(env.nr_nodes, 1, &mem[nm - 1]);

    domid = rig_domain_create(env.xch);
    if (domid < 0)
        tap_bail("create domain: %s", strerror(-domid));

    r = nodeaff_domain_get_affinity(env.h, (uint32_t)domid, &got);
    tap_ok(r == 0 && nodeaff_nodemap_equal(got, autoset) == 1,
           "new domain: automatic affinity {%s} = the nodes with CPUs {%s}",
           rig_fmt(got), rig_fmt(autoset));
    nodeaff_nodemap_free(got);
    got = NULL;
    r = nodeaff_domain_get_state(env.h, (uint32_t)domid, NULL, &flags);
    if (env.series)
        tap_ok(r == 0 && flags == NODEAFF_AUTO, "new domain: state automatic (0x%x)", flags);
    else
        tap_ok(r == -EOPNOTSUPP, "stock Xen: get_state %d (-EOPNOTSUPP)", r);

    r = nodeaff_domain_set_affinity(env.h, (uint32_t)domid, set, 0);
    tap_ok(r == 0, "set {%s}: %d", rig_fmt(set), r);
    r = nodeaff_domain_get_affinity(env.h, (uint32_t)domid, &got);
    tap_ok(r == 0 && nodeaff_nodemap_equal(got, set) == 1, "get says {%s}", rig_fmt(got));
    nodeaff_nodemap_free(got);
    got = NULL;
    if (env.series) {
        r = nodeaff_domain_get_state(env.h, (uint32_t)domid, NULL, &flags);
        tap_ok(r == 0 && flags == 0, "state explicit (0x%x)", flags);
        r = nodeaff_domain_set_affinity(env.h, (uint32_t)domid, set, NODEAFF_STRICT);
        r = r ? r : nodeaff_domain_get_state(env.h, (uint32_t)domid, NULL, &flags);
        tap_ok(r == 0 && flags == NODEAFF_STRICT, "strict set, state strict (0x%x)", flags);
    }

    r = nodeaff_domain_reset_affinity(env.h, (uint32_t)domid);
    tap_ok(r == 0, "reset: %d", r);
    r = nodeaff_domain_get_affinity(env.h, (uint32_t)domid, &got);
    tap_ok(r == 0 && nodeaff_nodemap_equal(got, autoset) == 1,
           "after reset get says {%s}, the automatic set again", rig_fmt(got));
    nodeaff_nodemap_free(got);
    got = NULL;
    if (env.series) {
        r = nodeaff_domain_get_state(env.h, (uint32_t)domid, &got, &flags);
        tap_ok(r == 0 && flags == NODEAFF_AUTO,
               "after reset state automatic and not strict (0x%x)", flags);
        nodeaff_nodemap_free(got);
        got = NULL;
    }
    r = nodeaff_domain_reset_affinity(env.h, (uint32_t)domid);
    tap_ok(r == 0, "a second reset is harmless: %d", r);

    /* Domain 0 was never given an affinity: reset on it changes nothing. */
    r = nodeaff_domain_get_affinity(env.h, 0, &got);
    tap_ok(r == 0 && nodeaff_nodemap_count(got) > 0, "dom0 affinity {%s}", rig_fmt(got));
    nodeaff_nodemap_free(got);

    r = rig_domain_destroy(env.xch, (uint32_t)domid);
    tap_ok(r == 0, "destroy: %d", r);
    r = nodeaff_domain_reset_affinity(env.h, (uint32_t)domid);
    tap_ok(r == -ESRCH, "reset on the destroyed domain: %d (-ESRCH)", r);

    nodeaff_nodemap_free(autoset);
    nodeaff_nodemap_free(set);
    rig_env_close(&env);
    return tap_done();
}
