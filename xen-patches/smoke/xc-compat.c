/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xc-compat: Debian 12's stock libxenctrl 4.17 against the patched
 * hypervisor (the series must not change XEN_DOMCTL_INTERFACE_VERSION).
 * Prints PASS/FAIL lines for smoke/run.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xenctrl.h>

static int failures;

#define CHECK(cond, ...) do {                                   \
        if ( cond ) { printf("PASS xc: "); printf(__VA_ARGS__); } \
        else { printf("FAIL xc: "); printf(__VA_ARGS__); failures++; } \
        printf("\n"); fflush(stdout);                           \
    } while ( 0 )

int main(void)
{
    xc_interface *xch = xc_interface_open(NULL, NULL, 0);
    xc_physinfo_t pi = { 0 };
    xc_domaininfo_t di;
    xc_nodemap_t map;
    int r, maxn;

    CHECK(xch != NULL, "xc_interface_open");
    if ( !xch )
        return 1;
    r = xc_physinfo(xch, &pi);
    CHECK(r == 0 && pi.nr_nodes == 2, "xc_physinfo -> %d, nr_nodes=%u", r, pi.nr_nodes);
    r = xc_domain_getinfolist(xch, 0, 1, &di);
    CHECK(r == 1 && di.domain == 0, "xc_domain_getinfolist -> %d, d0 tot_pages=%llu",
          r, (unsigned long long)di.tot_pages);
    maxn = xc_get_max_nodes(xch);
    map = xc_nodemap_alloc(xch);
    CHECK(maxn > 0 && map, "xc_get_max_nodes -> %d", maxn);
    if ( !map )
        return 1;
    r = xc_domain_node_getaffinity(xch, 0, map);
    CHECK(r == 0, "xc_domain_node_getaffinity -> %d, map[0]=%#x", r, map[0]);
    memset(map, 0, (maxn + 7) / 8);
    map[0] = 2;
    r = xc_domain_node_setaffinity(xch, 0, map);
    CHECK(r == 0, "xc_domain_node_setaffinity {1} -> %d", r);
    memset(map, 0, (maxn + 7) / 8);
    r = xc_domain_node_getaffinity(xch, 0, map);
    CHECK(r == 0 && map[0] == 2, "xc_domain_node_getaffinity -> %d, map[0]=%#x (want 0x2)", r, map[0]);
    memset(map, 0xff, (maxn + 7) / 8);
    r = xc_domain_node_setaffinity(xch, 0, map);
    CHECK(r == 0, "xc_domain_node_setaffinity all (= automatic) -> %d", r);
    free(map);
    xc_interface_close(xch);
    printf("XC DONE failures=%d\n", failures);
    return failures != 0;
}
