/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * nodeaff_claim_split(): how many pages to claim on each node of a set,
 * from a topology's free unclaimed memory.  Pure arithmetic on the
 * snapshot; the hypervisor has the last word (the claim is all or
 * nothing, and memory may have moved since the snapshot).
 */
#include <errno.h>
#include <string.h>

#include "topology-private.h"

#define PAGE_SHIFT 12

/*
 * Water-filling: each round gives every node that still has room an even
 * share of what is left (capped by its room); a node that hit its cap
 * drops out and the rest share its shortfall next round.  When what is
 * left is fewer pages than the nodes with room, they get one page each
 * in id order.  Each round either finishes or fills a node, so there are
 * at most nr_nodes + 1 rounds.
 */
static void fill(const uint64_t *room, const uint8_t *in, unsigned int nr,
                 uint64_t total, uint64_t *pages)
{
    unsigned int n, open;
    uint64_t share, give;

    while (total > 0) {
        for (n = 0, open = 0; n < nr; n++)
            open += in[n] && pages[n] < room[n];
        share = total / open;         /* open > 0: the total fits */
        if (share == 0)
            break;
        for (n = 0; n < nr; n++) {
            if (!in[n] || pages[n] >= room[n])
                continue;
            give = room[n] - pages[n] < share ? room[n] - pages[n] : share;
            pages[n] += give;
            total -= give;
        }
    }
    for (n = 0; n < nr && total > 0; n++)
        if (in[n] && pages[n] < room[n]) {
            pages[n]++;
            total--;
        }
}

NODEAFF_EXPORT int nodeaff_claim_split(const struct nodeaff_topology *topology,
                                       const struct nodeaff_nodemap *nodes,
                                       uint64_t bytes, uint64_t *ret_pages,
                                       unsigned int nr_entries)
{
    uint64_t room[NODEAFF_TOPOLOGY_MAX_NODES], pages[NODEAFF_TOPOLOGY_MAX_NODES];
    uint8_t in[NODEAFF_TOPOLOGY_MAX_NODES];
    uint64_t total, avail = 0;
    unsigned int nr;
    int n, last;

    if (!topology || !nodes || !ret_pages)
        return -EINVAL;
    nr = topology->nr_nodes;
    last = nodeaff_nodemap_last(nodes);
    if (last == -ENOENT)
        return -EINVAL;               /* the empty set */
    if (last < 0)
        return last;
    if ((unsigned int)last >= nr)
        return -ERANGE;
    if (nr_entries < nr)
        return -ENOBUFS;

    memset(in, 0, sizeof(in));
    memset(room, 0, sizeof(room));
    memset(pages, 0, sizeof(pages));
    for (n = nodeaff_nodemap_first(nodes); n >= 0;
         n = nodeaff_nodemap_next(nodes, (unsigned int)n)) {
        if (!topology->nodes[n].online)
            return -EINVAL;
        in[n] = 1;
        /* Whole pages only: a partial page cannot be claimed. */
        room[n] = topology_unclaimed(&topology->nodes[n]) >> PAGE_SHIFT;
        avail += room[n];             /* < 2^52 per node: cannot wrap */
    }
    total = (bytes >> PAGE_SHIFT) + ((bytes & ((1U << PAGE_SHIFT) - 1)) != 0);
    if (total > avail)
        return -ENOMEM;

    fill(room, in, nr, total, pages);
    memcpy(ret_pages, pages, nr * sizeof(*ret_pages));
    return (int)nr;
}
