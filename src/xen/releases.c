/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The Xen releases this library knows: for each, the domctl and sysctl
 * interface versions its hypervisor checks (XEN_DOMCTL_INTERFACE_VERSION,
 * XEN_SYSCTL_INTERFACE_VERSION in that release's public headers).  A
 * domctl or sysctl stamped with any other version gets -EACCES.
 *
 * Adding a release is one row here and one rig run (nodeaff(3), "Xen
 * releases"): the structures the upstream ops use must be byte-identical
 * to 4.17's, which tests/xen-abi checks against each release's headers,
 * and its check-interface-versions compares these rows with the headers.
 *
 * NODEAFF_RELEASES_DROP (major << 8 | minor) exists for one test only: the
 * rig's t-unknown-release is linked against a copy of this file compiled
 * with it (tests/unknown-release/meson.build), so that the running release
 * is missing from that copy's table.  The library itself never defines it.
 */
#include "xen/backend.h"

static const struct nodeaff_xen_release releases[] = {
    /* major, minor, domctl, sysctl */
    { 4, 17, 0x15, 0x15 },
    { 4, 18, 0x16, 0x15 },
    { 4, 19, 0x17, 0x15 },
    { 4, 20, 0x17, 0x15 },
    { 4, 21, 0x17, 0x16 },
    { 4, 22, 0x18, 0x16 },
};

static int dropped(const struct nodeaff_xen_release *r)
{
#ifdef NODEAFF_RELEASES_DROP
    return ((r->major << 8) | r->minor) == (NODEAFF_RELEASES_DROP);
#else
    (void)r;
    return 0;
#endif
}

const struct nodeaff_xen_release *nodeaff_xen_release_find(unsigned int major,
                                                           unsigned int minor)
{
    size_t i;

    for (i = 0; i < NODEAFF_ARRAY_SIZE(releases); i++)
        if (releases[i].major == major && releases[i].minor == minor &&
            !dropped(&releases[i]))
            return &releases[i];
    return NULL;
}

/* Releases are listed oldest first. */
const struct nodeaff_xen_release *nodeaff_xen_release_newest(void)
{
    size_t i;

    for (i = NODEAFF_ARRAY_SIZE(releases); i > 0; i--)
        if (!dropped(&releases[i - 1]))
            return &releases[i - 1];
    return NULL;
}
