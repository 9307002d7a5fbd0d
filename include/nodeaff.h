/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libnodeaff: decide where a Xen guest's memory lives on a NUMA host.
 *
 * One public header, kept C89-clean (it is compiled on its own as C89 with
 * -pedantic and as C++ by the abi test suite).  All types are opaque.
 *
 * Conventions, for every function below unless its comment says otherwise:
 *  - a negative errno is returned on failure, 0 or a documented
 *    non-negative value on success;
 *  - arguments are checked first: a NULL pointer that is not documented as
 *    optional gives -EINVAL;
 *  - out-parameters are named ret_*, come last, and are left untouched on
 *    failure;
 *  - the library never aborts and never writes to stdout or stderr;
 *  - *_free(NULL) and nodeaff_close(NULL) do nothing.
 */
#ifndef NODEAFF_H
#define NODEAFF_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------------
 * Nodemaps
 *
 * A nodemap is a bitmap of NUMA node ids 0 .. size-1, its size fixed when it
 * is created.  Binary operations accept maps of different sizes: a bit
 * beyond a map's size reads as clear.
 * ------------------------------------------------------------------------ */

/* The largest size a nodemap can have (Xen x86 has 64 nodes today). */
#define NODEAFF_NODEMAP_MAX_NODES 65536

struct nodeaff_nodemap;

/*
 * Creates an empty nodemap able to hold nodes 0 .. nr_nodes-1.
 * Returns 0; -EINVAL if nr_nodes is 0 or above NODEAFF_NODEMAP_MAX_NODES or
 * ret_map is NULL; -ENOMEM.
 */
int nodeaff_nodemap_new(unsigned int nr_nodes, struct nodeaff_nodemap **ret_map);

/*
 * Creates a copy of map, of the same size.
 * Returns 0; -EINVAL if an argument is NULL; -ENOMEM.
 */
int nodeaff_nodemap_copy(const struct nodeaff_nodemap *map,
                         struct nodeaff_nodemap **ret_copy);

/* Frees map. */
void nodeaff_nodemap_free(struct nodeaff_nodemap *map);

/* Returns the number of node ids map can hold; -EINVAL if map is NULL. */
int nodeaff_nodemap_size(const struct nodeaff_nodemap *map);

/*
 * Adds, removes or tests one node.
 * set/clear return 0, test returns 1 if the node is in map and 0 if not;
 * all return -EINVAL if map is NULL and -ERANGE if node >= the map's size.
 */
int nodeaff_nodemap_set(struct nodeaff_nodemap *map, unsigned int node);
int nodeaff_nodemap_clear(struct nodeaff_nodemap *map, unsigned int node);
int nodeaff_nodemap_test(const struct nodeaff_nodemap *map, unsigned int node);

/* Adds every node the map can hold / removes every node.
 * Return 0; -EINVAL if map is NULL. */
int nodeaff_nodemap_set_all(struct nodeaff_nodemap *map);
int nodeaff_nodemap_clear_all(struct nodeaff_nodemap *map);

/* Returns the number of nodes in map; -EINVAL if map is NULL. */
int nodeaff_nodemap_count(const struct nodeaff_nodemap *map);

/*
 * Iteration: the lowest node, the lowest node above prev, the highest node.
 * Return the node id; -ENOENT when there is none; -EINVAL if map is NULL.
 *     for (n = nodeaff_nodemap_first(m); n >= 0; n = nodeaff_nodemap_next(m, n))
 */
int nodeaff_nodemap_first(const struct nodeaff_nodemap *map);
int nodeaff_nodemap_next(const struct nodeaff_nodemap *map, unsigned int prev);
int nodeaff_nodemap_last(const struct nodeaff_nodemap *map);

/*
 * dst = a & b, a | b, a & ~b, a ^ b.  dst may be a or b.
 * Return 0; -EINVAL if an argument is NULL; -ERANGE if the result has a node
 * at or beyond dst's size (dst is then unchanged).
 */
int nodeaff_nodemap_and(struct nodeaff_nodemap *dst,
                        const struct nodeaff_nodemap *a,
                        const struct nodeaff_nodemap *b);
int nodeaff_nodemap_or(struct nodeaff_nodemap *dst,
                       const struct nodeaff_nodemap *a,
                       const struct nodeaff_nodemap *b);
int nodeaff_nodemap_andnot(struct nodeaff_nodemap *dst,
                           const struct nodeaff_nodemap *a,
                           const struct nodeaff_nodemap *b);
int nodeaff_nodemap_xor(struct nodeaff_nodemap *dst,
                        const struct nodeaff_nodemap *a,
                        const struct nodeaff_nodemap *b);

/*
 * Set comparisons, independent of the maps' sizes.
 * Return 1 if true, 0 if false; -EINVAL if an argument is NULL.
 */
int nodeaff_nodemap_equal(const struct nodeaff_nodemap *a,
                          const struct nodeaff_nodemap *b);
int nodeaff_nodemap_is_subset(const struct nodeaff_nodemap *sub,
                              const struct nodeaff_nodemap *super);
int nodeaff_nodemap_intersects(const struct nodeaff_nodemap *a,
                               const struct nodeaff_nodemap *b);

/*
 * The hypervisor's raw layout (Xen's struct xenctl_bitmap): bit n is bit
 * (n % 8) of byte n / 8, and nr_bits says how many bits are meaningful;
 * bits of the last byte beyond nr_bits are ignored on import and written as
 * zero on export.
 *
 * import replaces map's contents with the (nr_bits + 7) / 8 bytes at bytes.
 * Returns 0; -EINVAL if map or bytes is NULL (bytes may be NULL when nr_bits
 * is 0); -ERANGE if a bit at or beyond map's size is set (map unchanged:
 * a longer input is never silently truncated).
 *
 * export writes (nr_bits + 7) / 8 bytes.
 * Returns the number of bytes written; -EINVAL if map is NULL or bytes is
 * NULL with nr_bits above 0;
 * -ERANGE if map holds a node >= nr_bits (nothing is written).
 */
int nodeaff_nodemap_import_raw(struct nodeaff_nodemap *map,
                               const void *bytes, uint32_t nr_bits);
int nodeaff_nodemap_export_raw(const struct nodeaff_nodemap *map,
                               void *bytes, uint32_t nr_bits);

/* ------------------------------------------------------------------------
 * The nodeset grammar
 *
 *   nodeset  := "" | "none" | elements | list
 *   elements := element { "," element }       spaces allowed around elements
 *   element  := [ "^" ] ( N | N "-" N ) | "all"  ^ removes, left to right
 *   N        := decimal digits (no sign, no 0x; leading zeros are decimal)
 *   list     := "[" [ item { "," item } ] "]" the RFC's xl list form
 *   item     := '"' elements '"' | N          ["0", "3-5"], [0, 3], []
 *
 * "0-3,^1" is {0,2,3}; "^1,0-3" is {0,1,2,3}; "all,^0" is every node but 0
 * (as in xl).  "all" is every node the map can hold; "none", "" and a text
 * of only blanks are the empty set.  Blanks are spaces and tabs, allowed
 * before and after an element, a list item, a list's brackets and the whole
 * text, never inside an element ("0 - 3" and "^ 1" are errors).  A list's
 * items apply left to right as one element list: ["0-3", "^1"] is {0,2,3}.
 * A range A-B needs A <= B; N must fit an unsigned int and be below the
 * map's size, also after "^".
 * ------------------------------------------------------------------------ */

/* Why a nodeset did not parse.  Sized to grow. */
enum nodeaff_parse_reason {
    NODEAFF_PARSE_OK = 0,
    NODEAFF_PARSE_EMPTY_ELEMENT,     /* "0,,1", leading/trailing comma */
    NODEAFF_PARSE_EXPECTED_NUMBER,   /* "-3", "^", "0-" */
    NODEAFF_PARSE_REVERSED_RANGE,    /* "3-1" */
    NODEAFF_PARSE_UNKNOWN_WORD,      /* "foo", "0x3" */
    NODEAFF_PARSE_EXCLUDE_ALL,       /* "^all" */
    NODEAFF_PARSE_TRAILING_GARBAGE,  /* "1 2", "[0] x" */
    NODEAFF_PARSE_NODE_OUT_OF_RANGE, /* node >= the map's size */
    NODEAFF_PARSE_NUMBER_OVERFLOW,   /* does not fit an unsigned int */
    NODEAFF_PARSE_UNTERMINATED_LIST, /* "[0, 1" */
    NODEAFF_PARSE_UNTERMINATED_STRING, /* "[\"0]" */
    NODEAFF_PARSE_REASON_MAX_ = 0x7fffffff
};

/*
 * Parses text into map (whose size bounds the node ids and gives "all" its
 * meaning).  map is replaced on success and unchanged on failure.
 * Returns 0; -EINVAL if map or text is NULL or the syntax is wrong; -ERANGE if
 * a node is at or beyond map's size (NODEAFF_PARSE_NODE_OUT_OF_RANGE);
 * -EOVERFLOW if a number overflows (NODEAFF_PARSE_NUMBER_OVERFLOW).
 * On a parse failure, *ret_reason (optional, may be NULL) gets an
 * enum nodeaff_parse_reason and *ret_column (optional) the 1-based byte
 * column of the first character that makes the text invalid: the offending
 * number (the end of a reversed range), the comma of an empty element, the
 * '^' of "^all", the start of an element glued to letters ("0x3"), the
 * opening '[' or '"' of an unterminated list or string, or one past the end
 * of the text when it ends too early ("0-").  Both are left untouched on
 * success and when map or text is NULL.
 */
int nodeaff_nodemap_parse(struct nodeaff_nodemap *map, const char *text,
                          int *ret_reason, unsigned int *ret_column);

/* Returns a static English sentence describing reason, never NULL. */
const char *nodeaff_parse_reason_str(int reason);

/* ------------------------------------------------------------------------
 * Formats
 * ------------------------------------------------------------------------ */

enum nodeaff_format {
    NODEAFF_FORMAT_LIST = 0, /* "0,2-5,7"; the empty set is "none" */
    NODEAFF_FORMAT_HEX,      /* "0xbd", lowercase, no leading zeros; "0x0" */
    NODEAFF_FORMAT_JSON,     /* "[0,2,3,4,5,7]"; the empty set is "[]" */
    NODEAFF_FORMAT_MAX_ = 0x7fffffff
};

/*
 * Formats map like snprintf: writes at most size bytes including the
 * terminating NUL (buf may be NULL when size is 0) and returns the length
 * the full text has, excluding the NUL.  The list and JSON formats parse
 * back to an equal map with nodeaff_nodemap_parse().
 * Returns that length; -EINVAL if map is NULL, buf is NULL with size > 0, or
 * format is unknown.
 */
int nodeaff_nodemap_format(const struct nodeaff_nodemap *map,
                           enum nodeaff_format format,
                           char *buf, size_t size);

/* ------------------------------------------------------------------------
 * Host topology
 *
 * A topology is a snapshot: nodes with memory size and free memory, CPUs,
 * distances, and the vCPUs already placed per node.  It comes from the
 * running hypervisor, from a topology file, or is built by hand (for
 * what-if placement).  Memory is in bytes.
 * ------------------------------------------------------------------------ */

struct nodeaff_topology;
struct nodeaff_handle;

/*
 * The most nodes a topology may have: what a Xen host can have.  Xen's
 * node ids are 8 bits (nodeid_t) and MAX_NUMNODES is 64 in every release
 * (x86 NODES_SHIFT 6 in 4.17; CONFIG_NR_NUMA_NODES "range 2 64" since
 * 4.18).  The bound also keeps placement's worst case small (nodeaff(3),
 * PLACEMENT).  Raising it later does not change the ABI.
 */
#define NODEAFF_TOPOLOGY_MAX_NODES 64

/*
 * Creates a topology of nr_nodes nodes (all online, no memory, distance 10
 * local and 20 remote, no vCPUs) and nr_cpus CPUs (none on any node yet).
 * Returns 0; -EINVAL if nr_nodes is 0 or above NODEAFF_TOPOLOGY_MAX_NODES,
 * nr_cpus is above NODEAFF_NODEMAP_MAX_NODES, or ret_topology is NULL;
 * -ENOMEM.
 */
int nodeaff_topology_new(unsigned int nr_nodes, unsigned int nr_cpus,
                         struct nodeaff_topology **ret_topology);

/*
 * Reads a topology file (the format is in nodeaff(1) and the README;
 * "dom0" and "xen" lines, the QEMU rig's, are accepted and ignored).
 * Returns 0; -EINVAL if an argument is NULL or the file is malformed, then
 * *ret_line (optional) gets the 1-based line number, or 0 if the file has
 * no "node" line (*ret_line is written for a malformed file only); -errno
 * from opening or reading the file; -ENOMEM.
 */
int nodeaff_topology_from_file(const char *path,
                               struct nodeaff_topology **ret_topology,
                               unsigned int *ret_line);

/*
 * Reads the running hypervisor's topology through handle: nodes (offline
 * ones marked so), memory size and free memory, distances, the node of
 * each online CPU, and per node the vCPUs of the domains whose node
 * affinity includes it.
 * Returns 0; -EINVAL if an argument is NULL; -errno from the hypervisor;
 * -ENOMEM.
 */
int nodeaff_topology_from_host(struct nodeaff_handle *handle,
                               struct nodeaff_topology **ret_topology);

void nodeaff_topology_free(struct nodeaff_topology *topology);

/* Return the number of node ids / CPU ids; -EINVAL if topology is NULL. */
int nodeaff_topology_nr_nodes(const struct nodeaff_topology *topology);
int nodeaff_topology_nr_cpus(const struct nodeaff_topology *topology);

/*
 * The online nodes, as a new nodemap of nr_nodes bits.
 * Returns 0; -EINVAL; -ENOMEM.
 */
int nodeaff_topology_online_nodes(const struct nodeaff_topology *topology,
                                  struct nodeaff_nodemap **ret_nodes);

/*
 * A node's memory size and free memory, in bytes (either out-param may be
 * NULL).  Returns 0; -EINVAL if topology is NULL; -ERANGE if node is not
 * below nr_nodes; -ENOENT if the node is offline.
 */
int nodeaff_topology_node_memory(const struct nodeaff_topology *topology,
                                 unsigned int node,
                                 uint64_t *ret_size, uint64_t *ret_free);

/*
 * Since LIBNODEAFF_1.2.  The bytes of a node's free memory that domains
 * have claimed (node claims, nodeaff_domain_claim()): from the host, what
 * nodeaff_host_claims() reports (0 on a hypervisor without
 * NODEAFF_FEATURE_CLAIMS); from a file, its claimed= key (0 without).
 * Claimed memory is part of the node's free memory, not there for a new
 * domain: placement uses free minus claimed.
 * Returns 0; -EINVAL if topology or ret_claimed is NULL; -ERANGE if node
 * is not below nr_nodes; -ENOENT if the node is offline.
 */
int nodeaff_topology_node_claimed(const struct nodeaff_topology *topology,
                                  unsigned int node, uint64_t *ret_claimed);

/*
 * The distance from node a to node b (10 is local).
 * Returns the distance; -EINVAL; -ERANGE if a node is not below nr_nodes;
 * -ENOENT if the distance is unknown.
 */
int nodeaff_topology_distance(const struct nodeaff_topology *topology,
                              unsigned int from, unsigned int to);

/*
 * The node a CPU belongs to.
 * Returns the node id; -EINVAL; -ERANGE if cpu is not below nr_cpus;
 * -ENOENT if the CPU is on no node or its node is offline.
 */
int nodeaff_topology_cpu_node(const struct nodeaff_topology *topology,
                              unsigned int cpu);

/*
 * The CPUs of a node, as a new bitmap of nr_cpus bits (a nodemap whose ids
 * are CPU ids; nr_cpus of 0 gives a one-bit empty map).
 * Returns 0; -EINVAL; -ERANGE if node is not below nr_nodes; -ENOMEM.
 */
int nodeaff_topology_node_cpus(const struct nodeaff_topology *topology,
                               unsigned int node,
                               struct nodeaff_nodemap **ret_cpus);

/* The number of vCPUs already placed on node.
 * Returns it; -EINVAL; -ERANGE if node is not below nr_nodes. */
int nodeaff_topology_node_vcpus(const struct nodeaff_topology *topology,
                                unsigned int node);

/*
 * Setters for topologies built by hand.  set_cpu_node moves a CPU that
 * already has a node.  All return 0; -EINVAL if topology is NULL or a value
 * is invalid (free above size; distance below 10 or above 255, the ACPI
 * SLIT range, or a local distance other than 10; vcpus above INT32_MAX);
 * -ERANGE if a node or CPU id is out of range.  Nothing changes on failure.
 */
int nodeaff_topology_set_node_online(struct nodeaff_topology *topology,
                                     unsigned int node, int online);
int nodeaff_topology_set_node_memory(struct nodeaff_topology *topology,
                                     unsigned int node,
                                     uint64_t size, uint64_t free_bytes);
int nodeaff_topology_set_distance(struct nodeaff_topology *topology,
                                  unsigned int from, unsigned int to,
                                  unsigned int distance);
int nodeaff_topology_set_cpu_node(struct nodeaff_topology *topology,
                                  unsigned int cpu, unsigned int node);
int nodeaff_topology_set_node_vcpus(struct nodeaff_topology *topology,
                                    unsigned int node, unsigned int vcpus);

/*
 * Since LIBNODEAFF_1.2.  Sets a node's claimed bytes (see
 * nodeaff_topology_node_claimed()).  Set the node's memory first: claimed
 * may not exceed its free memory.  A later set_node_memory with less free
 * memory than is claimed leaves the claim as it is; the node then counts
 * as having no unclaimed memory.
 * Returns 0; -EINVAL if topology is NULL or claimed is above the node's
 * free memory; -ERANGE if node is not below nr_nodes.  Nothing changes on
 * failure.
 */
int nodeaff_topology_set_node_claimed(struct nodeaff_topology *topology,
                                      unsigned int node, uint64_t claimed);

/* ------------------------------------------------------------------------
 * The hypervisor handle
 *
 * A handle may be used from several threads at once: calls on one handle
 * are serialized by a lock inside it.
 * ------------------------------------------------------------------------ */

/* What the running hypervisor offers (nodeaff_features()). */
#define NODEAFF_FEATURE_AFFINITY  (1U << 0) /* set/get/reset: upstream Xen */
#define NODEAFF_FEATURE_STRICT    (1U << 1) /* strict binding: our series */
#define NODEAFF_FEATURE_USAGE     (1U << 2) /* per-node page usage */
#define NODEAFF_FEATURE_STATE     (1U << 3) /* explicit/automatic, strict */
#define NODEAFF_FEATURE_CLAIMS    (1U << 4) /* per-node claims: series patch 0008 */

/*
 * Opens a handle on the local hypervisor, finds its Xen release and the
 * interface versions to use (nodeaff_hypervisor_version()) and detects its
 * features.  flags must be 0.
 * Features are probed with read-only calls on domain 0; nothing changes.
 * A Xen release this library does not know still opens: the calls that
 * need its interface versions (set/get/reset without the series, list,
 * topology) then fail with -EPROTONOSUPPORT, and the series' own calls
 * keep working, as they have their own version.
 * Returns 0; -EINVAL if flags is not 0 or ret_handle is NULL; -ENODEV if
 * this system is not running on Xen; -ENOENT if it is, but the hypervisor
 * interface (privcmd: /dev/xen/privcmd or /proc/xen/privcmd) is missing;
 * -EACCES if privcmd is not ours to use (not root); another -errno from
 * the hypervisor (-EPERM: not the control domain); -ENOMEM.  On failure
 * nothing is left open.
 */
int nodeaff_open(unsigned int flags, struct nodeaff_handle **ret_handle);

/* Closes handle; no call may be in progress on it. */
void nodeaff_close(struct nodeaff_handle *handle);

/* Returns the NODEAFF_FEATURE_* bits the hypervisor offers; -EINVAL if
 * handle is NULL. */
int nodeaff_features(struct nodeaff_handle *handle);

/*
 * Since LIBNODEAFF_1.1.  Reports the running Xen release (XENVER_version:
 * *ret_major, *ret_minor) and the interface versions the handle stamps on
 * upstream operations: *ret_domctl (XEN_DOMCTL_INTERFACE_VERSION) and
 * *ret_sysctl (XEN_SYSCTL_INTERFACE_VERSION).  Each out-parameter is
 * optional (NULL).
 * Returns 0 when this library knows the release; -EPROTONOSUPPORT when it
 * does not: the out-parameters are then written all the same, *ret_domctl
 * with the domctl version the hypervisor was found to speak (0 if none
 * answered) and *ret_sysctl with 0 (unknown); -EINVAL if handle is NULL.
 */
int nodeaff_hypervisor_version(struct nodeaff_handle *handle,
                               unsigned int *ret_major,
                               unsigned int *ret_minor,
                               unsigned int *ret_domctl,
                               unsigned int *ret_sysctl);

/* ------------------------------------------------------------------------
 * Domains
 *
 * Every call below also returns -EINVAL for a domid at or above 0x7ff0
 * (DOMID_FIRST_RESERVED: not a domain), and checks all its arguments before
 * it reaches the hypervisor.
 * ------------------------------------------------------------------------ */

/* Affinity flags: NODEAFF_STRICT in and out, NODEAFF_AUTO out only. */
#define NODEAFF_STRICT (1U << 0) /* never allocate outside the set */
#define NODEAFF_AUTO   (1U << 1) /* the hypervisor computed the set */

/*
 * Sets a domain's node affinity to nodes, preferred (flags 0: the allocator
 * starts on nodes but may spill elsewhere, as upstream Xen does) or strict
 * (NODEAFF_STRICT: allocations outside nodes fail instead).
 * Returns 0; -EINVAL if handle or nodes is NULL, flags has unknown bits, or
 * nodes is empty or has no online node (strict: no online node with
 * memory); -ERANGE if nodes holds a node the host does not have; -ESRCH if
 * the domain does not exist; -EPERM if the caller may not; -EOPNOTSUPP for
 * NODEAFF_STRICT on a hypervisor without the feature.  Nothing changes on
 * failure.  On a hypervisor without NODEAFF_FEATURE_STATE a preferred set
 * naming every one of Xen's MAX_NUMNODES nodes (a 64-node host) is taken by
 * Xen as a reset.
 */
int nodeaff_domain_set_affinity(struct nodeaff_handle *handle, uint32_t domid,
                                const struct nodeaff_nodemap *nodes,
                                unsigned int flags);

/*
 * Gets a domain's node affinity as a new nodemap of the host's node count.
 * Returns 0; -EINVAL; -ESRCH; -EPERM; -ENOMEM; -EOPNOTSUPP if the
 * hypervisor refuses the affinity operations (no NODEAFF_FEATURE_AFFINITY).
 */
int nodeaff_domain_get_affinity(struct nodeaff_handle *handle, uint32_t domid,
                                struct nodeaff_nodemap **ret_nodes);

/*
 * Gets a domain's node affinity and its mode, read together: *ret_flags gets
 * NODEAFF_AUTO if the hypervisor computes the set, NODEAFF_STRICT if the
 * binding is strict.  ret_nodes is optional.
 * Returns 0; -EINVAL; -ESRCH; -EPERM; -ENOMEM; -EOPNOTSUPP on a hypervisor
 * without NODEAFF_FEATURE_STATE.
 */
int nodeaff_domain_get_state(struct nodeaff_handle *handle, uint32_t domid,
                             struct nodeaff_nodemap **ret_nodes,
                             unsigned int *ret_flags);

/*
 * Returns a domain to automatic node affinity and clears strictness.
 * Returns 0; -EINVAL if handle is NULL; -ESRCH; -EPERM; -ENOMEM;
 * -EOPNOTSUPP without NODEAFF_FEATURE_AFFINITY.
 */
int nodeaff_domain_reset_affinity(struct nodeaff_handle *handle,
                                  uint32_t domid);

/*
 * Gets how many pages the domain owns on each node: ret_pages[n] for every
 * node id n below the host's node count (nodeaff_topology_nr_nodes() of the
 * host).  nr_entries is the room in ret_pages.
 * Returns the number of entries written; -EINVAL if handle or ret_pages is
 * NULL; -ENOBUFS if nr_entries is below the host's node count; -ESRCH;
 * -EPERM; -ENOMEM; -EOPNOTSUPP on a hypervisor without
 * NODEAFF_FEATURE_USAGE.  ret_pages is untouched on failure.
 */
int nodeaff_domain_get_usage(struct nodeaff_handle *handle, uint32_t domid,
                             uint64_t *ret_pages, unsigned int nr_entries);

/*
 * Lists existing domains' ids in ascending order, at most nr_entries.
 * ret_domids may be NULL when nr_entries is 0, to count.
 * Returns the number of domains (which may exceed nr_entries: call again
 * with more room); -EINVAL if handle is NULL or ret_domids is NULL with
 * nr_entries > 0; -EPERM; -ENOMEM.  ret_domids is untouched on failure.
 */
int nodeaff_domain_list(struct nodeaff_handle *handle, uint32_t *ret_domids,
                        unsigned int nr_entries);

/* ------------------------------------------------------------------------
 * Node claims (since LIBNODEAFF_1.2; NODEAFF_FEATURE_CLAIMS)
 *
 * A claim reserves free pages on given nodes for a domain before it is
 * populated: the domain's own allocations on a node take from its claim
 * there first, and nobody else's allocations take claimed pages.  The flow
 * is placement, claim, affinity, populate, then cancel what is left.  A
 * domain holds node claims or a host-wide XENMEM_claim_pages claim, never
 * both.  Counts are 4 KiB pages; see nodeaff(3), NODE CLAIMS.  The domain
 * calls check domid like those above.
 * ------------------------------------------------------------------------ */

/* *ret_short_node after -ENOMEM when the host as a whole is short
 * (UINT32_MAX). */
#define NODEAFF_CLAIM_HOST 0xffffffffU

/*
 * Claims pages[n] pages on node n for the domain, all or nothing; the
 * claim replaces the domain's previous one, and all zeros (or nr_entries
 * 0, pages then may be NULL) cancels it.  nr_entries may be below the
 * host's node count (missing entries are 0) or above it (the extra entries
 * must be 0).
 * Returns 0; -EINVAL if handle is NULL, pages is NULL with nr_entries > 0,
 * a nonzero count names an offline node, or the counts sum to more than
 * the domain may still own (max_pages - tot_pages); -ERANGE if a nonzero
 * count names a node the host does not have; -EOVERFLOW if the counts' sum
 * does not fit 64 bits; -EBUSY if the domain holds a host-wide
 * XENMEM_claim_pages claim; -ENOMEM if a node, or the host as a whole,
 * lacks that many free pages not claimed by others: then *ret_short_node
 * gets that node or NODEAFF_CLAIM_HOST and *ret_short_avail the pages the
 * domain could have claimed there (both optional, written only on
 * -ENOMEM); -ESRCH if the domain does not exist or is dying; -EPERM if the
 * caller may not; -EOPNOTSUPP without NODEAFF_FEATURE_CLAIMS (-EPROTO for
 * a carried series of another version).  Nothing changes on failure.
 */
int nodeaff_domain_claim(struct nodeaff_handle *handle, uint32_t domid,
                         const uint64_t *pages, unsigned int nr_entries,
                         uint32_t *ret_short_node, uint64_t *ret_short_avail);

/*
 * Cancels the domain's node claims, returning its unconsumed pages to
 * everyone.  A domain without node claims is not an error.
 * Returns 0; -EINVAL if handle is NULL; -ESRCH; -EPERM; -EOPNOTSUPP
 * without NODEAFF_FEATURE_CLAIMS.
 */
int nodeaff_domain_cancel_claim(struct nodeaff_handle *handle, uint32_t domid);

/*
 * Gets the domain's outstanding node claims: ret_pages[n] for every node
 * id n below the host's node count (unconsumed pages; 0 without a claim).
 * *ret_host_wide (optional) gets its host-wide XENMEM_claim_pages claim in
 * pages, which a domain with node claims never has.
 * Returns the number of entries written; -EINVAL if handle or ret_pages is
 * NULL; -ENOBUFS if nr_entries is below the host's node count; -ESRCH;
 * -EPERM; -EOPNOTSUPP without NODEAFF_FEATURE_CLAIMS.  Nothing is written
 * on failure.
 */
int nodeaff_domain_get_claim(struct nodeaff_handle *handle, uint32_t domid,
                             uint64_t *ret_pages, unsigned int nr_entries,
                             uint64_t *ret_host_wide);

/*
 * Gets the host's node-claimed pages per node, summed over all domains:
 * ret_pages[n] for every node id n below the host's node count.
 * *ret_all_claims (optional) gets every outstanding claim in pages,
 * host-wide XENMEM_claim_pages claims included (physinfo's
 * outstanding_pages).
 * Returns the number of entries written; -EINVAL if handle or ret_pages is
 * NULL; -ENOBUFS if nr_entries is below the host's node count; -EPERM;
 * -EOPNOTSUPP without NODEAFF_FEATURE_CLAIMS.  Nothing is written on
 * failure.
 */
int nodeaff_host_claims(struct nodeaff_handle *handle, uint64_t *ret_pages,
                        unsigned int nr_entries, uint64_t *ret_all_claims);

/*
 * Since LIBNODEAFF_1.2.  Splits bytes (rounded up to whole 4 KiB pages)
 * over the nodes of nodes for a claim, by each node's free unclaimed
 * memory in topology (free minus claimed, in whole pages): evenly, a node
 * short of its even share giving all it has and the others sharing the
 * rest evenly, and the pages that do not divide evenly one each to the
 * nodes with room in id order.  ret_pages[n] gets the pages for node n,
 * for every node id n of topology (0 outside nodes); bytes 0 gives zeros.
 * The result is what nodeaff_domain_claim() takes.
 * Returns the number of entries written (topology's node count); -EINVAL
 * if topology, nodes or ret_pages is NULL, nodes is empty or names an
 * offline node; -ERANGE if nodes names a node topology does not have;
 * -ENOBUFS if nr_entries is below topology's node count; -ENOMEM if the
 * nodes together have less free unclaimed memory than bytes.  ret_pages is
 * untouched on failure.
 */
int nodeaff_claim_split(const struct nodeaff_topology *topology,
                        const struct nodeaff_nodemap *nodes, uint64_t bytes,
                        uint64_t *ret_pages, unsigned int nr_entries);

/* ------------------------------------------------------------------------
 * Automatic placement
 *
 * Picks the node set for a new domain from a topology (see nodeaff(3) for
 * the full rule; "free memory" here is free minus claimed, see
 * nodeaff_topology_node_claimed()): among all sets of nodes whose free
 * memory fits (memory plus headroom max(memory / 8, 64 MiB) when the host
 * has it), the set
 * whose nodes are closest to each other by the distance matrix, then the
 * one with the fewest nodes, so a single node that fits wins whenever one
 * exists.  Ties go to the set with the fewest vCPUs already placed, then
 * the most free memory, then the lowest node ids, so the result is
 * deterministic.  Offline nodes and nodes without free memory are never
 * used; a node without CPUs may join a set for its memory but never forms
 * one alone; a set needs min(vcpus, the host's CPUs) CPUs.  The search is
 * exact within a step budget (always enough up to 10 usable nodes; if it
 * runs out, the best set found, never worse than the sets grown greedily
 * from each node with CPUs, which are also candidates).
 * ------------------------------------------------------------------------ */

struct nodeaff_placement;

/*
 * Places a domain of memory_bytes and vcpus on topology.  flags may hold
 * NODEAFF_STRICT: the set must then hold all the memory.  Without it
 * (preferred affinity, where Xen may spill) a host whose free memory is
 * short gets every node with free memory, and candidate 0's free memory
 * is then below memory_bytes: check it to warn.  Thread-safe; topology is
 * only read.
 * Returns 0; -EINVAL if topology or ret_placement is NULL, memory_bytes or
 * vcpus is 0, or flags has unknown bits; -ENOSPC if no online node has free
 * memory, or with NODEAFF_STRICT if all of them together have less than
 * memory_bytes free; -ENOMEM.
 */
int nodeaff_place(const struct nodeaff_topology *topology,
                  uint64_t memory_bytes, unsigned int vcpus,
                  unsigned int flags,
                  struct nodeaff_placement **ret_placement);

void nodeaff_placement_free(struct nodeaff_placement *placement);

/* The chosen nodes, owned by placement; NULL if placement is NULL. */
const struct nodeaff_nodemap *
nodeaff_placement_nodes(const struct nodeaff_placement *placement);

/* Returns the number of candidate sets considered; -EINVAL. */
int nodeaff_placement_nr_candidates(const struct nodeaff_placement *placement);

/*
 * Describes candidate index (0 is the winner; candidates are ranked): its
 * nodes (owned by placement), their free unclaimed memory, the largest
 * distance between them (both directions counted; an unknown distance as
 * 255), the vCPUs already on them, and an English sentence saying why it
 * won or lost against the winner (owned by placement; the winner's also
 * says when claimed memory changed the outcome).  Every out-param is
 * optional.
 * Returns 0; -EINVAL if placement is NULL; -ERANGE if index is too big.
 */
int nodeaff_placement_candidate(const struct nodeaff_placement *placement,
                                unsigned int index,
                                const struct nodeaff_nodemap **ret_nodes,
                                uint64_t *ret_free_bytes,
                                unsigned int *ret_max_distance,
                                unsigned int *ret_vcpus,
                                const char **ret_verdict);

/* ------------------------------------------------------------------------
 * The RFC's config value: the right-hand side of an xl-style nodes= line
 * ------------------------------------------------------------------------ */

/* What nodeaff_config_nodes() says to do. */
#define NODEAFF_CONFIG_EXPLICIT 0 /* use *ret_nodes as explicit affinity */
#define NODEAFF_CONFIG_AUTO     1 /* "auto": *ret_nodes is the placement */

/*
 * Interprets value, e.g. ["0","3"], "0-3,^2", 0-3, "auto" (quotes around
 * the whole value are optional).  A nodeset is parsed for topology's node
 * count and must name only online nodes; "auto" runs nodeaff_place() with
 * memory_bytes, vcpus and flags.
 * Returns NODEAFF_CONFIG_EXPLICIT or NODEAFF_CONFIG_AUTO and a new nodemap in
 * *ret_nodes; the errors of nodeaff_nodemap_parse() (with *ret_reason and
 * *ret_column, both optional; the column counts from the start of value,
 * quotes included) and of nodeaff_place(); -EINVAL if value, topology or
 * ret_nodes is NULL, flags has bits other than NODEAFF_STRICT, or the set
 * is empty; -ENOENT if the set names an offline node; -ENOMEM.
 */
int nodeaff_config_nodes(const char *value,
                         const struct nodeaff_topology *topology,
                         uint64_t memory_bytes, unsigned int vcpus,
                         unsigned int flags,
                         struct nodeaff_nodemap **ret_nodes,
                         int *ret_reason, unsigned int *ret_column);

#ifdef __cplusplus
}
#endif

#endif /* NODEAFF_H */
