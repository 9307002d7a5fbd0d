/* nodeaff metrics from a live dom0, for tests/metrics/check-rig-metrics
 * (meson tests rig-metrics-*; run with the rig's --run, not a TAP test).
 *
 * Creates a domain with a known footprint (bound to the last node with
 * memory, strictly where the series is there, preferred on stock Xen;
 * 2048 pages), then prints, each after a "=== NAME" line and followed by
 * "=== NAME exit STATUS": `nodeaff --json usage` (before), `nodeaff
 * metrics`, `nodeaff --json usage` (after), `nodeaff --json get DOMID`.
 * The host checks the metrics against the usage: equal before and after
 * means the metrics saw that same state.  Destroys the domain at the end. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "rig-guest.h"
#include "tap.h"

#define PAGES 2048

static void section(const char *name, const char *cmd)
{
    int st;

    printf("=== %s\n", name);
    fflush(stdout);
    st = system(cmd);
    fflush(stdout);
    printf("=== %s exit %d\n", name, WIFEXITED(st) ? WEXITSTATUS(st) : 128);
    fflush(stdout);
}

int main(int argc, char **argv)
{
    struct rig_env env;
    struct nodeaff_nodemap *set;
    unsigned int mem[RIG_MAX_NODES], nm;
    uint64_t done = 0;
    char cmd[64];
    int domid, r;

    rig_env_open(&env, argc, argv);
    nm = rig_mem_nodes(&env, mem);
    set = rig_nodemap(env.nr_nodes, 1, &mem[nm - 1]);
    domid = rig_domain_create(env.xch);
    if (domid < 0)
        tap_bail("create domain: %s", strerror(-domid));
    r = nodeaff_domain_set_affinity(env.h, (uint32_t)domid, set,
                                    env.series ? NODEAFF_STRICT : 0);
    if (r < 0)
        tap_bail("set affinity: %s", strerror(-r));
    r = rig_populate(env.xch, (uint32_t)domid, PAGES, &done);
    if (r < 0)
        tap_bail("populate: %s after %llu pages", strerror(-r),
                 (unsigned long long)done);
    printf("=== domain %d node %s series %d\n", domid, rig_fmt(set), env.series);
    section("usage-before", "nodeaff --json usage 2>&1");
    section("metrics", "nodeaff metrics 2>&1");
    section("usage-after", "nodeaff --json usage 2>&1");
    snprintf(cmd, sizeof(cmd), "nodeaff --json get %d 2>&1", domid);
    section("get", cmd);
    rig_domain_destroy(env.xch, (uint32_t)domid);
    nodeaff_nodemap_free(set);
    rig_env_close(&env);
    return 0;
}
