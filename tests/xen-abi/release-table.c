/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * release-table MAJOR.MINOR...: prints the library's own release table
 * row for each release, "MAJOR.MINOR domctl 0xNN sysctl 0xNN", or
 * "MAJOR.MINOR unknown"; check-xen-layout compares them with the
 * interface versions in each release's headers.
 */
#include <stdio.h>

#include "xen/backend.h"

int main(int argc, char **argv)
{
    const struct nodeaff_xen_release *r;
    unsigned int major, minor;
    int i;

    for (i = 1; i < argc; i++) {
        if (sscanf(argv[i], "%u.%u", &major, &minor) != 2) {
            fprintf(stderr, "release-table: bad release '%s'\n", argv[i]);
            return 2;
        }
        r = nodeaff_xen_release_find(major, minor);
        if (r)
            printf("%u.%u domctl 0x%02x sysctl 0x%02x\n", major, minor,
                   r->domctl_version, r->sysctl_version);
        else
            printf("%u.%u unknown\n", major, minor);
    }
    return 0;
}
