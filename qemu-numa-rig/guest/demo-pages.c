/* The demo's guest side: where a guest's pages land, per node.
 *
 * Three domains on a two-node host, each bound to node 1: a small one
 * (fits), a preferred one asking for more than node 1 has free (upstream
 * behaviour: it spills to node 0, silently), and a strict one asking the
 * same (the series: -ENOMEM, nothing outside node 1).  Prints one
 * machine-readable line per case for qemu-numa-rig/demo to lay out:
 *     ROW|case|pages node 0|pages node 1|result|source of the counts
 * Counts come from the usage query when the hypervisor has it, else from
 * debug key 'u' (upstream's only per-node source). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "rig-guest.h"

static void row(struct rig_env *env, const char *what, unsigned int flags,
                uint64_t pages_wanted)
{
    unsigned int one = 1;
    struct nodeaff_nodemap *set = rig_nodemap(env->nr_nodes, 1, &one);
    struct rig_pages pg;
    uint64_t done = 0;
    char result[96];
    const uint64_t *v;
    int domid = rig_domain_create(env->xch), r;

    if (domid < 0) {
        printf("ROW|%s|-|-|create failed: %s|-\n", what, strerror(-domid));
        return;
    }
    r = nodeaff_domain_set_affinity(env->h, (uint32_t)domid, set, flags);
    if (r < 0) {
        printf("ROW|%s|-|-|set: %s|-\n", what,
               r == -EOPNOTSUPP ? "not supported (-EOPNOTSUPP)" : strerror(-r));
        goto out;
    }
    r = rig_populate(env->xch, (uint32_t)domid, pages_wanted, &done);
    rig_read_pages(env, (uint32_t)domid, &pg);
    v = pg.usage_rc > 0 ? pg.usage : pg.key;
    if (r == 0 && v[0] && !flags)
        snprintf(result, sizeof(result), "ok, %llu pages spilled to node 0",
                 (unsigned long long)v[0]);
    else if (r == 0)
        snprintf(result, sizeof(result), "ok");
    else
        snprintf(result, sizeof(result), "%s after %llu pages",
                 r == -ENOMEM ? "-ENOMEM" : strerror(-r), (unsigned long long)done);
    printf("ROW|%s|%llu|%llu|%s|%s\n", what, (unsigned long long)v[0],
           (unsigned long long)v[1], result,
           pg.usage_rc > 0 ? "usage query" : "debug key 'u'");
out:
    fflush(stdout);
    rig_domain_destroy(env->xch, (uint32_t)domid);
    nodeaff_nodemap_free(set);
}

int main(int argc, char **argv)
{
    struct rig_env env;
    uint64_t free1, over;
    char what[96];

    rig_env_open(&env, argc, argv);
    if (env.nr_nodes < 2) {
        printf("ROW|needs two nodes|-|-|-|-\n");
        return 1;
    }
    printf("XEN|%s\n", env.series ? "patched" : "stock");
    row(&env, "bound to node 1, 64 MiB", 0, 16384);
    free1 = rig_free_pages(&env, 1);
    over = free1 + 8192;
    snprintf(what, sizeof(what), "preferred {1}, %llu MiB", (unsigned long long)(over >> 8));
    row(&env, what, 0, over);
    free1 = rig_free_pages(&env, 1);
    over = free1 + 8192;
    snprintf(what, sizeof(what), "strict {1}, %llu MiB", (unsigned long long)(over >> 8));
    row(&env, what, NODEAFF_STRICT, over);
    rig_env_close(&env);
    return 0;
}
