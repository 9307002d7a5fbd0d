/* A toolstack's domain chores as a command, for the in-guest tests written
 * in languages without a libxenctrl binding (OCaml, Rust): they call it
 * for what a toolstack does with libxenctrl (creating, populating and
 * destroying a domain) and do everything about node affinity through
 * their own libnodeaff binding.  A domain outlives this process.
 *
 *     rig-domain create               prints the new domain's id
 *     rig-domain populate DOMID PAGES prints the pages populated
 *     rig-domain destroy DOMID
 *
 * Exit status 0 on success; 1 with the reason on stderr otherwise (a
 * populate that stops short prints its count and exits 1). */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rig-guest.h"

#define CHUNK 2048U

static int usage(void)
{
    fprintf(stderr, "usage: rig-domain create | populate DOMID PAGES | destroy DOMID\n");
    return 2;
}

static int number(const char *s, uint64_t max, uint64_t *ret)
{
    char *end;
    unsigned long long v;

    errno = 0;
    v = strtoull(s, &end, 10);
    if (!*s || *end || errno || s[0] == '-' || v > max)
        return -1;
    *ret = v;
    return 0;
}

/* Order-0 pages at fresh guest frames: after the domain's current pages,
 * so that successive calls (separate processes) never reuse a frame. */
static int populate(xc_interface *xch, uint32_t domid, uint64_t nr, uint64_t *ret_done)
{
    int64_t tot = rig_domain_tot_pages(xch, domid);
    xen_pfn_t pfns[CHUNK], next;
    uint64_t done = 0;

    if (tot < 0)
        return (int)tot;
    next = 0x100000 + (xen_pfn_t)tot;
    while (done < nr) {
        unsigned int n = nr - done < CHUNK ? (unsigned int)(nr - done) : CHUNK, i;
        int r;

        for (i = 0; i < n; i++)
            pfns[i] = next++;
        errno = 0;
        r = xc_domain_populate_physmap(xch, domid, n, 0, 0, pfns);
        if (r > 0)
            done += (uint64_t)r;
        if (r != (int)n) {
            *ret_done = done;
            return errno ? -errno : -ENOMEM;
        }
    }
    *ret_done = done;
    return 0;
}

int main(int argc, char **argv)
{
    xc_interface *xch;
    uint64_t domid = 0, pages = 0, done = 0;
    int r;

    if (argc < 2)
        return usage();
    if (strcmp(argv[1], "create") == 0 ? argc != 2 :
        strcmp(argv[1], "populate") == 0 ? argc != 4 :
        strcmp(argv[1], "destroy") == 0 ? argc != 3 : 1)
        return usage();
    if (argc > 2 && number(argv[2], 0x7fef, &domid) < 0)
        return usage();
    if (argc > 3 && number(argv[3], UINT32_MAX, &pages) < 0)
        return usage();

    xch = rig_xc_open();
    if (strcmp(argv[1], "create") == 0) {
        r = rig_domain_create(xch);
        if (r >= 0)
            printf("%d\n", r);
    } else if (strcmp(argv[1], "populate") == 0) {
        r = populate(xch, (uint32_t)domid, pages, &done);
        printf("%" PRIu64 "\n", done);
    } else {
        r = rig_domain_destroy(xch, (uint32_t)domid);
    }
    xc_interface_close(xch);
    if (r < 0) {
        fprintf(stderr, "rig-domain %s: %s\n", argv[1], strerror(-r));
        return 1;
    }
    return 0;
}
