/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * pv-guest-toolstack: the reference toolstack.  Boots a Linux PV guest from
 * a kernel and a ramdisk with its memory on the node set you name (or the
 * one nodeaff_place() picks), strict or preferred, claimed there before it
 * is populated (per-node claims, where the hypervisor has them); waits for
 * the guest to print a marker line; optionally balloons it; prints where
 * its pages are; destroys it.  Built by meson, not installed: it is meant to be read and
 * copied (pv-guest.c holds the build itself).
 *
 *   pv-guest-toolstack --kernel K [--ramdisk R] [--memory MIB] [--maxmem MIB]
 *       [--nodes SET|auto] [--strict|--preferred] [--cmdline TEXT]
 *       [--marker PREFIX] [--timeout S] [--balloon MIB] [--seclabel CTX]
 *
 * Needs dom0 (privcmd), xenstored running, and the guest to print the
 * marker (default "@G@ READY") on its console (hvc0).  Exit status: 0 the
 * guest reached its marker; 1 it did not (the console's tail is printed),
 * or the build failed; 2 bad arguments or a refused configuration,
 * including a claim the nodes cannot meet (nothing populated, no domain
 * left).
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "nodeaff.h"
#include "pv-guest.h"

static void usage(FILE *f)
{
    fprintf(f,
"usage: pv-guest-toolstack --kernel FILE [--ramdisk FILE] [--memory MIB]\n"
"           [--maxmem MIB] [--nodes SET|auto] [--strict|--preferred]\n"
"           [--cmdline TEXT] [--marker PREFIX] [--timeout SECONDS]\n"
"           [--balloon MIB] [--seclabel CONTEXT] [--name NAME]\n");
}

static double seconds_since(const struct timespec *t0)
{
    struct timespec t;

    clock_gettime(CLOCK_MONOTONIC, &t);
    return (t.tv_sec - t0->tv_sec) + (t.tv_nsec - t0->tv_nsec) / 1e9;
}

/* "n0=0 n1=32768 (100% on 1)" from the series' usage query; stock Xen
 * has none, which we say. */
static void print_usage(struct nodeaff_handle *h, uint32_t domid, const char *when)
{
    uint64_t pages[64], total = 0;
    int n = nodeaff_domain_get_usage(h, domid, pages, 64), i;

    if (n < 0) {
        printf("usage %s: %s\n", when, n == -EOPNOTSUPP ?
               "not available (hypervisor without the series)" : strerror(-n));
        return;
    }
    for (i = 0; i < n; i++)
        total += pages[i];
    printf("usage %s:", when);
    for (i = 0; i < n; i++)
        printf(" n%d=%llu", i, (unsigned long long)pages[i]);
    printf(" pages (%llu MiB)\n", (unsigned long long)(total / 256));
}

int main(int argc, char **argv)
{
    static const struct option opts[] = {
        { "kernel", 1, NULL, 'k' }, { "ramdisk", 1, NULL, 'r' },
        { "memory", 1, NULL, 'm' }, { "maxmem", 1, NULL, 'M' },
        { "nodes", 1, NULL, 'n' }, { "strict", 0, NULL, 's' },
        { "preferred", 0, NULL, 'p' }, { "cmdline", 1, NULL, 'c' },
        { "marker", 1, NULL, 'w' }, { "timeout", 1, NULL, 't' },
        { "balloon", 1, NULL, 'b' }, { "seclabel", 1, NULL, 'l' },
        { "name", 1, NULL, 'N' }, { "help", 0, NULL, 'h' }, { 0 },
    };
    struct pv_guest_config cfg = {
        .name = "pv-guest", .memory_mib = 128, .vcpus = 1, .nodes = "auto",
        .flags = NODEAFF_STRICT, .cmdline = "console=hvc0 quiet",
    };
    const char *marker = "@G@ READY";
    unsigned int timeout_s = 60, balloon_mib = 0;
    struct nodeaff_handle *h = NULL;
    struct pv_guest g;
    struct timespec t0;
    char why[512], line[512];
    xc_interface *xch;
    int c, r, rc = 1;

    /* Progress lines as they happen, also into a pipe. */
    setvbuf(stdout, NULL, _IOLBF, 0);
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 'k': cfg.kernel = optarg; break;
        case 'r': cfg.ramdisk = optarg; break;
        case 'm': cfg.memory_mib = (unsigned int)strtoul(optarg, NULL, 10); break;
        case 'M': cfg.maxmem_mib = (unsigned int)strtoul(optarg, NULL, 10); break;
        case 'n': cfg.nodes = optarg; break;
        case 's': cfg.flags = NODEAFF_STRICT; break;
        case 'p': cfg.flags = 0; break;
        case 'c': cfg.cmdline = optarg; break;
        case 'w': marker = optarg; break;
        case 't': timeout_s = (unsigned int)strtoul(optarg, NULL, 10); break;
        case 'b': balloon_mib = (unsigned int)strtoul(optarg, NULL, 10); break;
        case 'l': cfg.seclabel = optarg; break;
        case 'N': cfg.name = optarg; break;
        case 'h': usage(stdout); return 0;
        default: usage(stderr); return 2;
        }
    }
    if (optind != argc || !cfg.kernel) {
        usage(stderr);
        return 2;
    }
    if (!cfg.maxmem_mib)
        cfg.maxmem_mib = cfg.memory_mib > balloon_mib ? cfg.memory_mib : balloon_mib;
    if (balloon_mib > cfg.maxmem_mib) {
        fprintf(stderr, "pv-guest-toolstack: --balloon %u MiB is above --maxmem %u MiB\n",
                balloon_mib, cfg.maxmem_mib);
        return 2;
    }

    r = nodeaff_open(0, &h);
    xch = r == 0 ? xc_interface_open(NULL, NULL, 0) : NULL;
    if (!xch) {
        fprintf(stderr, "pv-guest-toolstack: cannot open the hypervisor: %s\n",
                strerror(r < 0 ? -r : errno));
        nodeaff_close(h);
        return 1;
    }

    r = nodeaff_features(h);
    if (r >= 0 && !(r & NODEAFF_FEATURE_CLAIMS))
        printf("no per-node claims in this hypervisor: going on without a claim (guests "
               "started at the same time may race for the same memory)\n");
    clock_gettime(CLOCK_MONOTONIC, &t0);
    r = pv_guest_boot(h, xch, &cfg, &g, why, sizeof(why));
    if (r < 0) {
        fprintf(stderr, "pv-guest-toolstack: %s; nothing was left behind\n", why);
        rc = (r == -ENOENT || r == -EINVAL || r == -ENOMEM || r == -EOPNOTSUPP) ? 2 : 1;
        goto out;
    }
    {
        char set[64];

        nodeaff_nodemap_format(g.nodes, NODEAFF_FORMAT_LIST, set, sizeof(set));
        printf("domain %u: %u MiB on node(s) %s, %s, built in %.1f s\n", g.domid,
               cfg.memory_mib, set, cfg.flags & NODEAFF_STRICT ? "strict" : "preferred",
               seconds_since(&t0));
        if (g.claim_rc == 0)
            printf("claimed %llu MiB on node(s) %s before populating; %llu pages of it "
                   "left unused, cancelled\n", (unsigned long long)(g.claimed_pages >> 8),
                   set, (unsigned long long)g.claim_unused);
    }
    print_usage(h, g.domid, "after the build");
    r = pv_guest_wait_line(&g, marker, timeout_s * 1000, line, sizeof(line));
    if (r < 0) {
        fprintf(stderr, "pv-guest-toolstack: domain %u %s %s within %u s; its console "
                "ended with:\n%s\n", g.domid,
                r == -ESRCH ? "died before printing" : "did not print", marker,
                timeout_s, pv_guest_console_tail(&g, 20));
        goto destroy;
    }
    printf("guest: %s (%.1f s after xc_domain_create)\n", line, seconds_since(&g.created_at));
    print_usage(h, g.domid, "at the marker");
    if (balloon_mib) {
        snprintf(line, sizeof(line), "balloon %u\n", balloon_mib * 1024);
        r = pv_guest_send(&g, line);
        if (r == 0)
            r = pv_guest_wait_line(&g, "@G@ BALLOON", timeout_s * 1000, line, sizeof(line));
        if (r < 0) {
            fprintf(stderr, "pv-guest-toolstack: ballooning domain %u: %s; console:\n%s\n",
                    g.domid, strerror(-r), pv_guest_console_tail(&g, 20));
            goto destroy;
        }
        printf("guest: %s\n", line);
        print_usage(h, g.domid, "after the balloon");
    }
    rc = 0;
destroy:
    r = pv_guest_destroy(&g);
    if (r < 0) {
        fprintf(stderr, "pv-guest-toolstack: destroying the domain: %s\n", strerror(-r));
        rc = 1;
    }
out:
    xc_interface_close(xch);
    nodeaff_close(h);
    return rc;
}
