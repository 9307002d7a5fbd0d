/* Memory-less and CPU-less nodes behave sensibly.
 *
 * What Xen 4.17 really does (seen in this rig): a node with CPUs but no
 * memory is online with size 0; preferred affinity to it alone is accepted
 * (Xen only asks for an online node) and every page then comes from
 * elsewhere.  Strict affinity to it alone is refused with -EINVAL (no
 * memory to be strict about).  A node with memory but no CPUs is online,
 * takes pages like any other, strict included, and is never part of an
 * automatic affinity (that follows the vCPUs' CPUs). */
#include <errno.h>
#include <string.h>

#include "rig-guest.h"
#include "tap.h"

static void memless(struct rig_env *env, unsigned int node)
{
    unsigned int other = 0, both[2];
    struct nodeaff_nodemap *set = rig_nodemap(env->nr_nodes, 1, &node), *pair;
    struct rig_pages pg;
    uint64_t size = 1, done = 0;
    int domid, r;

    r = nodeaff_topology_node_memory(env->host, node, &size, NULL);
    tap_ok(r == 0 && size == 0, "memory-less node %u: online, size %llu", node,
           (unsigned long long)size);

    domid = rig_domain_create(env->xch);
    if (domid < 0)
        tap_bail("create domain: %s", strerror(-domid));
    r = nodeaff_domain_set_affinity(env->h, (uint32_t)domid, set, 0);
    tap_ok(r == 0, "memory-less node %u: preferred affinity to it alone accepted (%d)",
           node, r);
    r = rig_populate(env->xch, (uint32_t)domid, 1024, &done);
    rig_read_pages(env, (uint32_t)domid, &pg);
    tap_ok(r == 0 && done == 1024 && pg.key_rc > 0 && pg.key[node] == 0,
           "memory-less node %u: 1024 pages populated, all elsewhere (%s)", node,
           rig_fmt_pages(pg.key, env->nr_nodes));

    r = nodeaff_domain_set_affinity(env->h, (uint32_t)domid, set, NODEAFF_STRICT);
    tap_ok(r == (env->series ? -EINVAL : -EOPNOTSUPP),
           "memory-less node %u: strict affinity to it alone: %d (%s)", node, r,
           env->series ? "-EINVAL" : "-EOPNOTSUPP on stock Xen");

    for (unsigned int x = 1; x < env->nr_nodes; x++)
        if (env->mem_bytes[x]) {
            other = x;
            break;
        }
    both[0] = other < node ? other : node;
    both[1] = other < node ? node : other;
    pair = rig_nodemap(env->nr_nodes, 2, both);
    if (env->series) {
        uint64_t before;

        r = nodeaff_domain_set_affinity(env->h, (uint32_t)domid, pair, NODEAFF_STRICT);
        tap_ok(r == 0, "strict {%s} (memory-less + node %u) accepted: %d", rig_fmt(pair),
               other, r);
        rig_read_pages(env, (uint32_t)domid, &pg);
        before = pg.key[other];
        r = rig_populate(env->xch, (uint32_t)domid, 1024, &done);
        rig_read_pages(env, (uint32_t)domid, &pg);
        tap_ok(r == 0 && pg.key[other] == before + 1024 && pg.key[node] == 0,
               "strict {%s}: the next 1024 pages all on node %u", rig_fmt(pair), other);
    }
    rig_domain_destroy(env->xch, (uint32_t)domid);
    nodeaff_nodemap_free(set);
    nodeaff_nodemap_free(pair);
}

static void cpuless(struct rig_env *env, unsigned int node)
{
    struct nodeaff_nodemap *set = rig_nodemap(env->nr_nodes, 1, &node), *cpus = NULL;
    struct nodeaff_nodemap *got = NULL;
    struct rig_pages pg;
    uint64_t done = 0;
    int domid, r;

    r = nodeaff_topology_node_cpus(env->host, node, &cpus);
    tap_ok(r == 0 && nodeaff_nodemap_count(cpus) == 0,
           "CPU-less node %u: online, no CPUs", node);
    nodeaff_nodemap_free(cpus);

    domid = rig_domain_create(env->xch);
    if (domid < 0)
        tap_bail("create domain: %s", strerror(-domid));
    r = nodeaff_domain_get_affinity(env->h, (uint32_t)domid, &got);
    tap_ok(r == 0 && nodeaff_nodemap_test(got, node) == 0,
           "CPU-less node %u: not in a new domain's automatic affinity {%s}", node,
           rig_fmt(got));
    nodeaff_nodemap_free(got);

    r = nodeaff_domain_set_affinity(env->h, (uint32_t)domid, set,
                                    env->series ? NODEAFF_STRICT : 0);
    tap_ok(r == 0, "CPU-less node %u: %s affinity accepted (%d)", node,
           env->series ? "strict" : "preferred", r);
    r = rig_populate(env->xch, (uint32_t)domid, 4096, &done);
    rig_read_pages(env, (uint32_t)domid, &pg);
    tap_ok(r == 0 && pg.key_rc > 0 && pg.key[node] == 4096 &&
           rig_sum(pg.key, env->nr_nodes, set, 0) == 0,
           "CPU-less node %u: 4096 pages, all there (%s)", node,
           rig_fmt_pages(pg.key, env->nr_nodes));
    if (env->series)
        tap_ok(pg.usage_rc > 0 && memcmp(pg.usage, pg.key, env->nr_nodes * 8) == 0,
               "CPU-less node %u: usage agrees", node);
    rig_domain_destroy(env->xch, (uint32_t)domid);
    nodeaff_nodemap_free(set);
}

int main(int argc, char **argv)
{
    struct rig_env env;
    int any = 0;

    rig_env_open(&env, argc, argv);
    for (unsigned int x = 0; x < env.nr_nodes; x++) {
        if (!env.mem_bytes[x]) {
            memless(&env, x);
            any = 1;
        } else if (!env.ncpus_of[x]) {
            cpuless(&env, x);
            any = 1;
        }
        if (env.nr_nodes > 8 && any)
            break;      /* one of each kind is enough on big hosts */
    }
    if (!any)
        tap_skip("this topology has neither memory-less nor CPU-less nodes");
    rig_env_close(&env);
    return tap_done();
}
