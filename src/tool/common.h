/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * What the hypervisor-facing subcommands share: reading DOMID and NODESET
 * arguments, opening the handle, and saying what went wrong.  Each
 * function prints its own message to stderr and returns the exit status
 * to use (EXIT_OK when the caller may carry on).
 */
#ifndef NODEAFF_TOOL_COMMON_H
#define NODEAFF_TOOL_COMMON_H

#include <stddef.h>
#include <stdint.h>

#include "nodeaff.h"

/* A decimal domain id below 0x7ff0 (DOMID_FIRST_RESERVED).
 * EXIT_OK, or EXIT_USAGE after a message naming the bad text. */
int tool_parse_domid(const char *cmd, const char *text, uint32_t *ret_domid);

/* SIZE as in topology files and xl: digits and an optional binary suffix
 * K, M, G or T (either case); a bare number is MiB.  0 with the bytes, or
 * -1 if malformed, zero or too large (prints nothing). */
int tool_parse_size(const char *text, uint64_t *ret_bytes);

/* bytes as "N MiB", or "N KiB" below 1 MiB so that a small size never
 * reads "0 MiB"; in buf, which it returns. */
const char *tool_size_text(uint64_t bytes, char *buf, size_t size);

/* Checks a nodeset's syntax before any hypervisor is needed.
 * EXIT_OK, or EXIT_USAGE after a message with column and reason. */
int tool_check_nodeset(const char *cmd, const char *text);

/* Parses a nodeset for a host of nr_nodes nodes into a new map.
 * EXIT_OK, or EXIT_USAGE (bad syntax, a node the host lacks) or
 * EXIT_FAILED (out of memory) after a message. */
int tool_parse_nodeset(const char *cmd, const char *text,
                       unsigned int nr_nodes,
                       struct nodeaff_nodemap **ret_nodes);

/* Opens the local hypervisor.  EXIT_OK, or EXIT_FAILED after a message. */
int tool_open(const char *cmd, struct nodeaff_handle **ret_handle);

/* Every domain's id, in a new array the caller frees, and their number.
 * Returns 0, or a negative errno from nodeaff_domain_list() or -ENOMEM. */
int tool_list_domains(struct nodeaff_handle *handle, uint32_t **ret_ids,
                      unsigned int *ret_n);

/* Prints "nodeaff: CMD: WHAT: reason" for a negative errno from the
 * library, with a hint for the codes an operator can act on, and returns
 * EXIT_FAILED. */
int tool_fail(const char *cmd, const char *what, int err);

/* Prints "nodeaff: CMD: MESSAGE" and the command's synopsis; returns
 * EXIT_USAGE. */
int tool_usage(const char *cmd, const char *message, const char *synopsis);

#endif
