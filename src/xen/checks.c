/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Argument checks the public domain calls make before taking the lock or
 * touching the hypervisor.  They need no handle, so the unit suite can
 * prove that bad input is refused here, on a machine without Xen.
 */
#include <errno.h>

#include "xen/backend.h"

NODEAFF_HOT
int nodeaff_xen_check_flags(unsigned int flags, unsigned int allowed)
{
    return (flags & ~allowed) ? -EINVAL : 0;
}

NODEAFF_HOT
int nodeaff_xen_check_nodes(const struct nodeaff_nodemap *nodes,
                            unsigned int nr_nodes)
{
    int last;

    if (!nodes)
        return -EINVAL;
    /* One scan answers both questions: on the set path, every call in
     * front of the hypercall counts against the 1.05x budget. */
    last = nodeaff_nodemap_last(nodes);
    if (last == -ENOENT)
        return -EINVAL;             /* the empty set */
    if (last < 0)
        return last;
    /* The map may be larger than the host: only its contents matter. */
    if ((unsigned int)last >= nr_nodes)
        return -ERANGE;
    return 0;
}

int nodeaff_xen_check_claim(const uint64_t *pages, unsigned int nr_entries,
                            unsigned int nr_nodes)
{
    uint64_t sum = 0;
    unsigned int i;

    if (!pages && nr_entries > 0)
        return -EINVAL;
    for (i = 0; i < nr_entries; i++) {
        if (pages[i] == 0)
            continue;
        if (i >= nr_nodes)
            return -ERANGE;
        /* The hypervisor checks this too; here it is refused before the
         * hypercall, with the same errno. */
        if (sum + pages[i] < sum)
            return -EOVERFLOW;
        sum += pages[i];
    }
    return 0;
}
