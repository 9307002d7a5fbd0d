/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * OCaml stubs for libnodeaff (nodeaff.ml holds the OCaml side).
 *
 * Hand-written, as xenopsd's own stubs (xen-api ocaml/libs/xenctrl-ext) are:
 * custom blocks own the C objects and free them from their finalisers, so
 * the GC can never reach a freed object and never frees one twice.
 *
 *  - A nodemap or a topology lives exactly as long as its OCaml value: the
 *    finaliser frees it and nothing else does.
 *  - A handle can also be closed explicitly: close frees it and stores
 *    NULL, the finaliser and a second close then do nothing, and every
 *    call on a closed handle raises Invalid_argument before reaching C.
 *  - A placement is copied into OCaml values (its nodemaps into new
 *    nodemaps) and freed before the stub returns.
 *  - Calls keep the OCaml runtime lock: no other OCaml thread can close a
 *    handle (or collect a value) while a call on it is in C.
 *
 * Errors: a negative errno becomes Nodeaff.Error, registered from OCaml
 * under "Nodeaff.Error", carrying the errno (as the Nodeaff.errno variant,
 * mapped here from the system's <errno.h> values), the C function's name,
 * a message and, for nodeset parsing, the reason and column.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* strerrorname_np() */
#endif
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <caml/alloc.h>
#include <caml/callback.h>
#include <caml/custom.h>
#include <caml/fail.h>
#include <caml/memory.h>
#include <caml/mlvalues.h>

#include <nodeaff.h>

/* ---- errors ------------------------------------------------------------- */

/* The constant constructors of Nodeaff.errno, in declaration order;
 * Other of int is the only non-constant one. */
static const int errno_order[] = {
    EINVAL, ERANGE, EOVERFLOW, ENOENT, EACCES, EPERM, ESRCH, EOPNOTSUPP,
    ENOSPC, ENOMEM, ENOBUFS, ENODEV, EPROTONOSUPPORT, EPROTO, EBUSY,
};
#define NR_ERRNOS (sizeof(errno_order) / sizeof(errno_order[0]))

static value errno_to_value(int err)
{
    CAMLparam0();
    CAMLlocal1(v);
    size_t i;

    for (i = 0; i < NR_ERRNOS; i++)
        if (errno_order[i] == err)
            CAMLreturn(Val_int(i));
    v = caml_alloc_small(1, 0);
    Field(v, 0) = Val_int(err);
    CAMLreturn(v);
}

static int errno_of_value(value v)
{
    if (Is_block(v))
        return Int_val(Field(v, 0));
    return errno_order[Int_val(v)];
}

CAMLprim value nodeaff_ml_errno_of_int(value n)
{
    if (Int_val(n) <= 0)
        caml_invalid_argument("Nodeaff.errno_of_int: not a positive errno");
    return errno_to_value(Int_val(n));
}

CAMLprim value nodeaff_ml_errno_to_int(value e)
{
    return Val_int(errno_of_value(e));
}

/* "EOPNOTSUPP"; for a number without a name, "errno N". */
CAMLprim value nodeaff_ml_errno_name(value e)
{
    CAMLparam1(e);
    int err = errno_of_value(e);
    const char *name = strerrorname_np(err);
    char buf[32];

    if (!name) {
        snprintf(buf, sizeof(buf), "errno %d", err);
        name = buf;
    }
    CAMLreturn(caml_copy_string(name));
}

/* Raises Nodeaff.Error { errno; func; message; parse }; parse is None
 * when reason < 0. */
static void raise_error_full(int ret, const char *func, const char *message,
                             int reason, unsigned int column)
{
    CAMLparam0();
    CAMLlocal1(parse);
    CAMLlocalN(args, 4);
    const value *exn = caml_named_value("Nodeaff.Error");
    int e = ret < 0 ? -ret : ret;

    if (!exn)
        caml_failwith("Nodeaff: the Error exception is not registered");
    args[0] = errno_to_value(e);
    args[1] = caml_copy_string(func);
    args[2] = caml_copy_string(message ? message : strerror(e));
    args[3] = Val_none;
    if (reason >= 0) {
        parse = caml_alloc_tuple(2);
        Store_field(parse, 0, Val_int(reason));
        Store_field(parse, 1, Val_int(column));
        args[3] = caml_alloc_some(parse);
    }
    /* An exception with an inline record is laid out as one with that
     * many arguments, in field order. */
    caml_raise_with_args(*exn, 4, args);
    CAMLnoreturn;
}

static void raise_error(int ret, const char *func)
{
    raise_error_full(ret, func, NULL, -1, 0);
}

static int check(int ret, const char *func)
{
    if (ret < 0)
        raise_error(ret, func);
    return ret;
}

/* An OCaml int that must fit an unsigned int (node, CPU, vCPU counts). */
static unsigned int uint_val(value v, const char *what)
{
    intnat n = Long_val(v);

    if (n < 0 || (uintnat)n > UINT32_MAX) {
        char msg[96];

        snprintf(msg, sizeof(msg), "Nodeaff: %s %ld is out of range", what, (long)n);
        caml_invalid_argument(msg);
    }
    return (unsigned int)n;
}

/* ---- nodemaps ----------------------------------------------------------- */

#define Nodemap_val(v) (*(struct nodeaff_nodemap **)Data_custom_val(v))

static void nodemap_finalize(value v)
{
    nodeaff_nodemap_free(Nodemap_val(v));
    Nodemap_val(v) = NULL;
}

/* Set order: element by element from the lowest node; a set that runs
 * out first is smaller.  Independent of the maps' sizes, as equality. */
static int nodemap_compare(value a, value b)
{
    const struct nodeaff_nodemap *x = Nodemap_val(a), *y = Nodemap_val(b);
    int i = nodeaff_nodemap_first(x), j = nodeaff_nodemap_first(y);

    while (i >= 0 && j >= 0) {
        if (i != j)
            return i < j ? -1 : 1;
        i = nodeaff_nodemap_next(x, (unsigned int)i);
        j = nodeaff_nodemap_next(y, (unsigned int)j);
    }
    return (i >= 0) - (j >= 0);
}

static intnat nodemap_hash(value v)
{
    const struct nodeaff_nodemap *m = Nodemap_val(v);
    uintnat h = 0;
    int i;

    for (i = nodeaff_nodemap_first(m); i >= 0; i = nodeaff_nodemap_next(m, (unsigned int)i))
        h = h * 31 + (uintnat)i + 1;
    return (intnat)h;
}

static struct custom_operations nodemap_ops = {
    .identifier = "libnodeaff.nodemap",
    .finalize = nodemap_finalize,
    .compare = nodemap_compare,
    .hash = nodemap_hash,
    .serialize = custom_serialize_default,
    .deserialize = custom_deserialize_default,
    .compare_ext = custom_compare_ext_default,
    .fixed_length = custom_fixed_length_default,
};

/* Wraps map, which the new value owns; frees it if allocation fails. */
static value wrap_nodemap(struct nodeaff_nodemap *map)
{
    value v;
    int size = nodeaff_nodemap_size(map);

    v = caml_alloc_custom_mem(&nodemap_ops, sizeof(map), (mlsize_t)(size / 8 + 64));
    Nodemap_val(v) = map;
    return v;
}

static value copy_nodemap(const struct nodeaff_nodemap *map, const char *func)
{
    struct nodeaff_nodemap *copy;

    check(nodeaff_nodemap_copy(map, &copy), func);
    return wrap_nodemap(copy);
}

CAMLprim value nodeaff_ml_nodemap_create(value size)
{
    CAMLparam1(size);
    struct nodeaff_nodemap *map;

    check(nodeaff_nodemap_new(uint_val(size, "nodemap size"), &map), "nodeaff_nodemap_new");
    CAMLreturn(wrap_nodemap(map));
}

CAMLprim value nodeaff_ml_nodemap_copy(value map)
{
    CAMLparam1(map);
    CAMLreturn(copy_nodemap(Nodemap_val(map), "nodeaff_nodemap_copy"));
}

CAMLprim value nodeaff_ml_nodemap_parse(value size, value text)
{
    CAMLparam2(size, text);
    CAMLlocal1(v);
    struct nodeaff_nodemap *map;
    int reason = 0, r;
    unsigned int column = 0;
    char msg[512];

    if (!caml_string_is_c_safe(text)) {
        /* The library would see the text up to the NUL: refuse it. */
        raise_error_full(-EINVAL, "nodeaff_nodemap_parse",
                         "the nodeset text contains a NUL byte", -1, 0);
    }
    check(nodeaff_nodemap_new(uint_val(size, "nodemap size"), &map), "nodeaff_nodemap_new");
    v = wrap_nodemap(map);
    r = nodeaff_nodemap_parse(map, String_val(text), &reason, &column);
    if (r < 0) {
        snprintf(msg, sizeof(msg), "'%.400s': column %u: %s", String_val(text), column,
                 nodeaff_parse_reason_str(reason));
        raise_error_full(r, "nodeaff_nodemap_parse", msg, reason, column);
    }
    CAMLreturn(v);
}

CAMLprim value nodeaff_ml_parse_reason_str(value reason)
{
    return caml_copy_string(nodeaff_parse_reason_str(Int_val(reason)));
}

CAMLprim value nodeaff_ml_nodemap_format(value map, value fmt)
{
    CAMLparam2(map, fmt);
    CAMLlocal1(s);
    int len = check(nodeaff_nodemap_format(Nodemap_val(map), Int_val(fmt), NULL, 0),
                    "nodeaff_nodemap_format");

    s = caml_alloc_string((mlsize_t)len);
    /* snprintf semantics: len + 1 bytes with the NUL; an OCaml string has
     * room for its terminating NUL. */
    check(nodeaff_nodemap_format(Nodemap_val(map), Int_val(fmt), (char *)Bytes_val(s),
                                 (size_t)len + 1), "nodeaff_nodemap_format");
    CAMLreturn(s);
}

CAMLprim value nodeaff_ml_nodemap_size(value map)
{
    return Val_int(nodeaff_nodemap_size(Nodemap_val(map)));
}

CAMLprim value nodeaff_ml_nodemap_count(value map)
{
    return Val_int(nodeaff_nodemap_count(Nodemap_val(map)));
}

CAMLprim value nodeaff_ml_nodemap_mem(value map, value node)
{
    intnat n = Long_val(node);

    if (n < 0 || n >= nodeaff_nodemap_size(Nodemap_val(map)))
        return Val_false;
    return Val_bool(nodeaff_nodemap_test(Nodemap_val(map), (unsigned int)n) == 1);
}

CAMLprim value nodeaff_ml_nodemap_add(value map, value node)
{
    CAMLparam2(map, node);
    check(nodeaff_nodemap_set(Nodemap_val(map), uint_val(node, "node")), "nodeaff_nodemap_set");
    CAMLreturn(Val_unit);
}

CAMLprim value nodeaff_ml_nodemap_remove(value map, value node)
{
    CAMLparam2(map, node);
    check(nodeaff_nodemap_clear(Nodemap_val(map), uint_val(node, "node")),
          "nodeaff_nodemap_clear");
    CAMLreturn(Val_unit);
}

/* The nodes, ascending, as an OCaml list (built from the highest down). */
CAMLprim value nodeaff_ml_nodemap_to_list(value map)
{
    CAMLparam1(map);
    CAMLlocal2(list, cell);
    const struct nodeaff_nodemap *m = Nodemap_val(map);
    int n, size = nodeaff_nodemap_size(m);

    list = Val_emptylist;
    for (n = size - 1; n >= 0; n--) {
        if (nodeaff_nodemap_test(m, (unsigned int)n) != 1)
            continue;
        cell = caml_alloc_small(2, 0);
        Field(cell, 0) = Val_int(n);
        Field(cell, 1) = list;
        list = cell;
    }
    CAMLreturn(list);
}

/* ---- topologies --------------------------------------------------------- */

#define Topology_val(v) (*(struct nodeaff_topology **)Data_custom_val(v))

static void topology_finalize(value v)
{
    nodeaff_topology_free(Topology_val(v));
    Topology_val(v) = NULL;
}

static struct custom_operations topology_ops = {
    .identifier = "libnodeaff.topology",
    .finalize = topology_finalize,
    .compare = custom_compare_default,
    .hash = custom_hash_default,
    .serialize = custom_serialize_default,
    .deserialize = custom_deserialize_default,
    .compare_ext = custom_compare_ext_default,
    .fixed_length = custom_fixed_length_default,
};

static value wrap_topology(struct nodeaff_topology *t)
{
    value v = caml_alloc_custom_mem(&topology_ops, sizeof(t), 4096);

    Topology_val(v) = t;
    return v;
}

CAMLprim value nodeaff_ml_topology_create(value nr_nodes, value nr_cpus)
{
    CAMLparam2(nr_nodes, nr_cpus);
    struct nodeaff_topology *t;

    check(nodeaff_topology_new(uint_val(nr_nodes, "node count"), uint_val(nr_cpus, "CPU count"),
                               &t), "nodeaff_topology_new");
    CAMLreturn(wrap_topology(t));
}

CAMLprim value nodeaff_ml_topology_of_file(value path)
{
    CAMLparam1(path);
    struct nodeaff_topology *t;
    unsigned int line = 0;
    char msg[4200];
    int r;

    if (!caml_string_is_c_safe(path))
        raise_error_full(-EINVAL, "nodeaff_topology_from_file",
                         "the path contains a NUL byte", -1, 0);
    r = nodeaff_topology_from_file(String_val(path), &t, &line);
    if (r == -EINVAL) {
        if (line)
            snprintf(msg, sizeof(msg), "%.4000s:%u: malformed topology line",
                     String_val(path), line);
        else
            snprintf(msg, sizeof(msg), "%.4000s: no 'node' line", String_val(path));
        raise_error_full(r, "nodeaff_topology_from_file", msg, -1, 0);
    } else if (r < 0) {
        snprintf(msg, sizeof(msg), "%.4000s: %s", String_val(path), strerror(-r));
        raise_error_full(r, "nodeaff_topology_from_file", msg, -1, 0);
    }
    CAMLreturn(wrap_topology(t));
}

CAMLprim value nodeaff_ml_topology_nr_nodes(value t)
{
    return Val_int(nodeaff_topology_nr_nodes(Topology_val(t)));
}

CAMLprim value nodeaff_ml_topology_nr_cpus(value t)
{
    return Val_int(nodeaff_topology_nr_cpus(Topology_val(t)));
}

CAMLprim value nodeaff_ml_topology_online_nodes(value t)
{
    CAMLparam1(t);
    struct nodeaff_nodemap *m;

    check(nodeaff_topology_online_nodes(Topology_val(t), &m), "nodeaff_topology_online_nodes");
    CAMLreturn(wrap_nodemap(m));
}

/* (size, free) in bytes; raises ENOENT for an offline node. */
CAMLprim value nodeaff_ml_topology_node_memory(value t, value node)
{
    CAMLparam2(t, node);
    CAMLlocal1(pair);
    uint64_t size = 0, free_bytes = 0;

    check(nodeaff_topology_node_memory(Topology_val(t), uint_val(node, "node"), &size,
                                       &free_bytes), "nodeaff_topology_node_memory");
    pair = caml_alloc_tuple(2);
    Store_field(pair, 0, Val_long((intnat)size));
    Store_field(pair, 1, Val_long((intnat)free_bytes));
    CAMLreturn(pair);
}

CAMLprim value nodeaff_ml_topology_distance(value t, value a, value b)
{
    CAMLparam3(t, a, b);
    CAMLreturn(Val_int(check(nodeaff_topology_distance(Topology_val(t), uint_val(a, "node"),
                                                       uint_val(b, "node")),
                             "nodeaff_topology_distance")));
}

CAMLprim value nodeaff_ml_topology_cpu_node(value t, value cpu)
{
    CAMLparam2(t, cpu);
    CAMLreturn(Val_int(check(nodeaff_topology_cpu_node(Topology_val(t), uint_val(cpu, "CPU")),
                             "nodeaff_topology_cpu_node")));
}

CAMLprim value nodeaff_ml_topology_node_cpus(value t, value node)
{
    CAMLparam2(t, node);
    struct nodeaff_nodemap *m;

    check(nodeaff_topology_node_cpus(Topology_val(t), uint_val(node, "node"), &m),
          "nodeaff_topology_node_cpus");
    CAMLreturn(wrap_nodemap(m));
}

CAMLprim value nodeaff_ml_topology_node_vcpus(value t, value node)
{
    CAMLparam2(t, node);
    CAMLreturn(Val_int(check(nodeaff_topology_node_vcpus(Topology_val(t), uint_val(node, "node")),
                             "nodeaff_topology_node_vcpus")));
}

CAMLprim value nodeaff_ml_topology_set_node_online(value t, value node, value online)
{
    CAMLparam3(t, node, online);
    check(nodeaff_topology_set_node_online(Topology_val(t), uint_val(node, "node"),
                                           Bool_val(online)),
          "nodeaff_topology_set_node_online");
    CAMLreturn(Val_unit);
}

CAMLprim value nodeaff_ml_topology_set_node_memory(value t, value node, value size, value free_b)
{
    CAMLparam4(t, node, size, free_b);
    if (Long_val(size) < 0 || Long_val(free_b) < 0)
        raise_error_full(-EINVAL, "nodeaff_topology_set_node_memory",
                         "a memory size is negative", -1, 0);
    check(nodeaff_topology_set_node_memory(Topology_val(t), uint_val(node, "node"),
                                           (uint64_t)Long_val(size), (uint64_t)Long_val(free_b)),
          "nodeaff_topology_set_node_memory");
    CAMLreturn(Val_unit);
}

CAMLprim value nodeaff_ml_topology_set_distance(value t, value a, value b, value d)
{
    CAMLparam4(t, a, b, d);
    check(nodeaff_topology_set_distance(Topology_val(t), uint_val(a, "node"),
                                        uint_val(b, "node"), uint_val(d, "distance")),
          "nodeaff_topology_set_distance");
    CAMLreturn(Val_unit);
}

CAMLprim value nodeaff_ml_topology_set_cpu_node(value t, value cpu, value node)
{
    CAMLparam3(t, cpu, node);
    check(nodeaff_topology_set_cpu_node(Topology_val(t), uint_val(cpu, "CPU"),
                                        uint_val(node, "node")),
          "nodeaff_topology_set_cpu_node");
    CAMLreturn(Val_unit);
}

CAMLprim value nodeaff_ml_topology_set_node_vcpus(value t, value node, value vcpus)
{
    CAMLparam3(t, node, vcpus);
    check(nodeaff_topology_set_node_vcpus(Topology_val(t), uint_val(node, "node"),
                                          uint_val(vcpus, "vCPU count")),
          "nodeaff_topology_set_node_vcpus");
    CAMLreturn(Val_unit);
}

/* ---- placement ---------------------------------------------------------- */

/* (nodes, candidates): candidates an array of
 * (nodes, free_bytes, max_distance, vcpus, verdict), the winner first. */
struct candidate {
    struct nodeaff_nodemap *nodes;
    uint64_t free_bytes;
    unsigned int max_distance, vcpus;
    char *verdict;
};

static void candidates_free(struct candidate *c, int nr)
{
    int i;

    for (i = 0; c && i < nr; i++) {
        nodeaff_nodemap_free(c[i].nodes);
        free(c[i].verdict);
    }
    free(c);
}

/* Copies placement p's candidates out (the caller frees p). */
static int candidates_copy(const struct nodeaff_placement *p, int nr,
                           struct candidate **ret)
{
    struct candidate *c = calloc(nr > 0 ? (size_t)nr : 1, sizeof(*c));
    int i, r = 0;

    if (!c)
        return -ENOMEM;
    for (i = 0; r >= 0 && i < nr; i++) {
        const struct nodeaff_nodemap *cm;
        const char *verdict;

        r = nodeaff_placement_candidate(p, (unsigned int)i, &cm, &c[i].free_bytes,
                                        &c[i].max_distance, &c[i].vcpus, &verdict);
        if (r >= 0)
            r = nodeaff_nodemap_copy(cm, &c[i].nodes);
        if (r >= 0 && !(c[i].verdict = strdup(verdict)))
            r = -ENOMEM;
    }
    if (r < 0) {
        candidates_free(c, nr);
        return r;
    }
    *ret = c;
    return 0;
}

CAMLprim value nodeaff_ml_place(value t, value memory, value vcpus, value strict)
{
    CAMLparam4(t, memory, vcpus, strict);
    CAMLlocal5(result, cands, cand, nodes, verdict);
    CAMLlocal1(cn);
    struct nodeaff_placement *p;
    struct nodeaff_nodemap *win = NULL;
    struct candidate *c = NULL;
    int nr, i, r;

    if (Long_val(memory) < 0)
        raise_error_full(-EINVAL, "nodeaff_place", "the memory size is negative", -1, 0);
    check(nodeaff_place(Topology_val(t), (uint64_t)Long_val(memory), uint_val(vcpus, "vCPU count"),
                        Bool_val(strict) ? NODEAFF_STRICT : 0, &p), "nodeaff_place");
    /* Copy everything out and free the placement before allocating any
     * OCaml value, so that no C object outlives the stub. */
    nr = nodeaff_placement_nr_candidates(p);
    r = nr < 0 ? nr : nodeaff_nodemap_copy(nodeaff_placement_nodes(p), &win);
    if (r >= 0)
        r = candidates_copy(p, nr, &c);
    nodeaff_placement_free(p);
    if (r < 0) {
        nodeaff_nodemap_free(win);
        raise_error(r, "nodeaff_place");
    }
    /* Each C object is handed to a value one by one: the candidates'
     * nodemaps leave c as they are wrapped, so that an allocation that
     * raises Out_of_memory can leak the rest but never free one twice. */
    nodes = wrap_nodemap(win);
    cands = caml_alloc_tuple((mlsize_t)nr);
    for (i = 0; i < nr; i++) {
        cn = wrap_nodemap(c[i].nodes);
        c[i].nodes = NULL;
        verdict = caml_copy_string(c[i].verdict);
        cand = caml_alloc_tuple(5);
        Store_field(cand, 0, cn);
        Store_field(cand, 1, Val_long((intnat)c[i].free_bytes));
        Store_field(cand, 2, Val_int(c[i].max_distance));
        Store_field(cand, 3, Val_int(c[i].vcpus));
        Store_field(cand, 4, verdict);
        Store_field(cands, i, cand);
    }
    candidates_free(c, nr);
    result = caml_alloc_tuple(2);
    Store_field(result, 0, nodes);
    Store_field(result, 1, cands);
    CAMLreturn(result);
}

/* ---- the hypervisor handle ---------------------------------------------- */

#define Handle_val(v) (*(struct nodeaff_handle **)Data_custom_val(v))

static void handle_finalize(value v)
{
    nodeaff_close(Handle_val(v));
    Handle_val(v) = NULL;
}

static struct custom_operations handle_ops = {
    .identifier = "libnodeaff.handle",
    .finalize = handle_finalize,
    .compare = custom_compare_default,
    .hash = custom_hash_default,
    .serialize = custom_serialize_default,
    .deserialize = custom_deserialize_default,
    .compare_ext = custom_compare_ext_default,
    .fixed_length = custom_fixed_length_default,
};

/* The open handle inside v, or Invalid_argument if it was closed. */
static struct nodeaff_handle *handle_of(value v)
{
    struct nodeaff_handle *h = Handle_val(v);

    if (!h)
        caml_invalid_argument("Nodeaff: the handle is closed");
    return h;
}

/* A domid the C API can take; the library refuses reserved ids itself. */
static uint32_t domid_val(value v)
{
    return uint_val(v, "domid");
}

CAMLprim value nodeaff_ml_interface_open(value unit)
{
    CAMLparam1(unit);
    CAMLlocal1(v);
    struct nodeaff_handle *h;

    check(nodeaff_open(0, &h), "nodeaff_open");
    v = caml_alloc_custom(&handle_ops, sizeof(h), 0, 1);
    Handle_val(v) = h;
    CAMLreturn(v);
}

CAMLprim value nodeaff_ml_close(value v)
{
    CAMLparam1(v);
    struct nodeaff_handle *h = Handle_val(v);

    Handle_val(v) = NULL;
    nodeaff_close(h);
    CAMLreturn(Val_unit);
}

CAMLprim value nodeaff_ml_is_closed(value v)
{
    return Val_bool(Handle_val(v) == NULL);
}

CAMLprim value nodeaff_ml_features(value v)
{
    CAMLparam1(v);
    CAMLreturn(Val_int(check(nodeaff_features(handle_of(v)), "nodeaff_features")));
}

CAMLprim value nodeaff_ml_set_affinity(value v, value domid, value nodes, value strict)
{
    CAMLparam4(v, domid, nodes, strict);
    check(nodeaff_domain_set_affinity(handle_of(v), domid_val(domid), Nodemap_val(nodes),
                                      Bool_val(strict) ? NODEAFF_STRICT : 0),
          "nodeaff_domain_set_affinity");
    CAMLreturn(Val_unit);
}

CAMLprim value nodeaff_ml_get_affinity(value v, value domid)
{
    CAMLparam2(v, domid);
    struct nodeaff_nodemap *m;

    check(nodeaff_domain_get_affinity(handle_of(v), domid_val(domid), &m),
          "nodeaff_domain_get_affinity");
    CAMLreturn(wrap_nodemap(m));
}

/* (nodes, flags) */
CAMLprim value nodeaff_ml_get_state(value v, value domid)
{
    CAMLparam2(v, domid);
    CAMLlocal2(pair, nodes);
    struct nodeaff_nodemap *m;
    unsigned int flags = 0;

    check(nodeaff_domain_get_state(handle_of(v), domid_val(domid), &m, &flags),
          "nodeaff_domain_get_state");
    nodes = wrap_nodemap(m);
    pair = caml_alloc_tuple(2);
    Store_field(pair, 0, nodes);
    Store_field(pair, 1, Val_int(flags));
    CAMLreturn(pair);
}

CAMLprim value nodeaff_ml_reset_affinity(value v, value domid)
{
    CAMLparam2(v, domid);
    check(nodeaff_domain_reset_affinity(handle_of(v), domid_val(domid)),
          "nodeaff_domain_reset_affinity");
    CAMLreturn(Val_unit);
}

/* Pages per node, for every node of the host. */
CAMLprim value nodeaff_ml_get_usage(value v, value domid)
{
    CAMLparam2(v, domid);
    CAMLlocal1(arr);
    uint64_t pages[NODEAFF_NODEMAP_MAX_NODES > 1024 ? 1024 : NODEAFF_NODEMAP_MAX_NODES];
    int n, i;

    n = check(nodeaff_domain_get_usage(handle_of(v), domid_val(domid), pages,
                                       sizeof(pages) / sizeof(pages[0])),
              "nodeaff_domain_get_usage");
    arr = caml_alloc_tuple((mlsize_t)n);
    for (i = 0; i < n; i++)
        Store_field(arr, i, Val_long((intnat)pages[i]));
    CAMLreturn(arr);
}

/* Some (node, available) when the claim fell short (-ENOMEM; node -1 for
 * the host as a whole), None when it was granted; other errors raise. */
CAMLprim value nodeaff_ml_claim(value v, value domid, value arr)
{
    CAMLparam3(v, domid, arr);
    CAMLlocal2(res, pair);
    uint64_t pages[NODEAFF_NODEMAP_MAX_NODES > 1024 ? 1024 : NODEAFF_NODEMAP_MAX_NODES];
    mlsize_t i, n = Wosize_val(arr);
    uint32_t node = 0;
    uint64_t avail = 0;
    int ret;

    if (n > sizeof(pages) / sizeof(pages[0]))
        raise_error(-ERANGE, "nodeaff_domain_claim");
    for (i = 0; i < n; i++) {
        intnat c = Long_val(Field(arr, i));

        if (c < 0)
            caml_invalid_argument("Nodeaff.claim: a negative page count");
        pages[i] = (uint64_t)c;
    }
    ret = nodeaff_domain_claim(handle_of(v), domid_val(domid), pages,
                               (unsigned int)n, &node, &avail);
    if (ret == -ENOMEM) {
        pair = caml_alloc_tuple(2);
        Store_field(pair, 0, Val_long(node == NODEAFF_CLAIM_HOST ? -1 : (intnat)node));
        Store_field(pair, 1, Val_long((intnat)avail));
        res = caml_alloc_some(pair);
        CAMLreturn(res);
    }
    check(ret, "nodeaff_domain_claim");
    CAMLreturn(Val_none);
}

CAMLprim value nodeaff_ml_cancel_claim(value v, value domid)
{
    CAMLparam2(v, domid);
    check(nodeaff_domain_cancel_claim(handle_of(v), domid_val(domid)),
          "nodeaff_domain_cancel_claim");
    CAMLreturn(Val_unit);
}

/* (pages per node, a second figure) from a per-node claim query. */
static value claims_pair(const uint64_t *pages, int n, uint64_t other)
{
    CAMLparam0();
    CAMLlocal2(arr, pair);
    int i;

    arr = caml_alloc_tuple((mlsize_t)n);
    for (i = 0; i < n; i++)
        Store_field(arr, i, Val_long((intnat)pages[i]));
    pair = caml_alloc_tuple(2);
    Store_field(pair, 0, arr);
    Store_field(pair, 1, Val_long((intnat)other));
    CAMLreturn(pair);
}

CAMLprim value nodeaff_ml_get_claim(value v, value domid)
{
    CAMLparam2(v, domid);
    uint64_t pages[NODEAFF_NODEMAP_MAX_NODES > 1024 ? 1024 : NODEAFF_NODEMAP_MAX_NODES];
    uint64_t host_wide = 0;
    int n;

    n = check(nodeaff_domain_get_claim(handle_of(v), domid_val(domid), pages,
                                       sizeof(pages) / sizeof(pages[0]), &host_wide),
              "nodeaff_domain_get_claim");
    CAMLreturn(claims_pair(pages, n, host_wide));
}

CAMLprim value nodeaff_ml_host_claims(value v)
{
    CAMLparam1(v);
    uint64_t pages[NODEAFF_NODEMAP_MAX_NODES > 1024 ? 1024 : NODEAFF_NODEMAP_MAX_NODES];
    uint64_t all = 0;
    int n;

    n = check(nodeaff_host_claims(handle_of(v), pages, sizeof(pages) / sizeof(pages[0]), &all),
              "nodeaff_host_claims");
    CAMLreturn(claims_pair(pages, n, all));
}

CAMLprim value nodeaff_ml_domain_list(value v)
{
    CAMLparam1(v);
    CAMLlocal2(list, cell);
    struct nodeaff_handle *h = handle_of(v);
    uint32_t *ids = NULL;
    int n, room = 0;

    /* Count, then list; domains may appear in between: retry with room. */
    for (;;) {
        n = nodeaff_domain_list(h, ids, (unsigned int)room);
        if (n < 0 || n <= room)
            break;
        free(ids);
        room = n + 16;
        ids = malloc((size_t)room * sizeof(*ids));
        if (!ids) {
            n = -ENOMEM;
            break;
        }
    }
    if (n < 0) {
        free(ids);
        raise_error(n, "nodeaff_domain_list");
    }
    list = Val_emptylist;
    while (n-- > 0) {
        cell = caml_alloc_small(2, 0);
        Field(cell, 0) = Val_long(ids[n]);
        Field(cell, 1) = list;
        list = cell;
    }
    free(ids);
    CAMLreturn(list);
}

CAMLprim value nodeaff_ml_topology_of_host(value v)
{
    CAMLparam1(v);
    struct nodeaff_topology *t;

    check(nodeaff_topology_from_host(handle_of(v), &t), "nodeaff_topology_from_host");
    CAMLreturn(wrap_topology(t));
}
