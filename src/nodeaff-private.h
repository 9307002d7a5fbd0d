/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Internal declarations shared by the library's files, the unit tests and
 * nothing else.  Never installed.
 */
#ifndef NODEAFF_PRIVATE_H
#define NODEAFF_PRIVATE_H

#include "nodeaff.h"

/* Marks a definition as part of the public ABI; everything else is hidden
 * (-fvisibility=hidden) and the version map names what is exported. */
#define NODEAFF_EXPORT __attribute__((visibility("default")))

#define NODEAFF_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#endif /* NODEAFF_PRIVATE_H */
