/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The one place where libxenctrl's and libxencall's "-1 and errno" becomes
 * the library's negative errno.  Callers save errno right after the failed
 * call, before anything (unlock, free) can clobber it.
 */
#include <errno.h>

#include "xen/backend.h"

NODEAFF_HOT
int nodeaff_xen_errno(int ret, int saved_errno)
{
    if (ret >= 0)
        return ret;
    /* A failure must never read as success, nor as an unrelated code. */
    if (saved_errno <= 0)
        return -EIO;
    return -saved_errno;
}
