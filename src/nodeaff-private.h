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

/*
 * The functions a set or get runs through on every call.  GCC puts them in
 * .text.hot, which the linker gathers: in a 64-bit PV dom0 every hypercall
 * from user space switches page tables, and under QEMU's TCG each code page
 * touched afterwards costs a software TLB refill.
 */
#define NODEAFF_HOT __attribute__((hot))

#define NODEAFF_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#endif /* NODEAFF_PRIVATE_H */
