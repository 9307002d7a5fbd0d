/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libFuzzer target for the hypervisor's raw bitmap layout,
 * nodeaff_nodemap_import_raw() and nodeaff_nodemap_export_raw().
 *
 * Input: bytes 0-3 are nr_bits (little endian), byte 4 is a mode byte, the
 * rest are the bitmap's bytes.  nr_bits is reduced modulo (8 * length + 1)
 * so the call never reads past the input (the fuzzer still reaches every
 * partial last byte), and a zero length passes bytes as NULL when the mode
 * byte says so.  For maps of several sizes, against a bit-by-bit reference
 * of the documented layout (bit n is bit n % 8 of byte n / 8; bits of the
 * last byte beyond nr_bits are ignored):
 *  - import fails with -ERANGE, leaving the map unchanged, exactly when a
 *    meaningful bit is at or beyond the map's size; otherwise the map holds
 *    exactly the meaningful bits;
 *  - export with the same nr_bits writes the input back, bits beyond
 *    nr_bits as zero, and nothing past (nr_bits + 7) / 8 bytes;
 *  - export with the map's own size gives the same bits; export with fewer
 *    bits than the highest node fails with -ERANGE and writes nothing.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "nodeaff.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* abort() is what fuzzers and the replay driver both catch. */
#define CHECK(cond) do { if (!(cond)) abort(); } while (0)

/* Around every word and byte boundary, and Xen x86's 64 nodes. */
static const unsigned int sizes[] = { 1, 7, 8, 9, 63, 64, 65, 100, 128, 1024 };

/* Guard bytes after an export buffer: export must not touch them. */
#define GUARD 8
#define FILL 0xa5

/* Bit n of the input as the documented layout reads it. */
static int ref_bit(const uint8_t *bytes, uint32_t nr_bits, size_t n)
{
    return n < nr_bits && ((bytes[n / 8] >> (n % 8)) & 1);
}

/* The reference's highest meaningful bit, or -1. */
static long ref_last(const uint8_t *bytes, uint32_t nr_bits)
{
    long n;

    for (n = (long)nr_bits - 1; n >= 0; n--)
        if (ref_bit(bytes, nr_bits, (size_t)n))
            return n;
    return -1;
}

/* export_raw(map, nr_bits) into a filled buffer with guard bytes: checks
 * the guard and, if the call fails, that nothing was written.  Returns the
 * buffer (to free) and the call's result in *ret. */
static uint8_t *export(const struct nodeaff_nodemap *map, uint32_t nr_bits, int *ret)
{
    size_t nr_bytes = ((size_t)nr_bits + 7) / 8, i;
    uint8_t *out = malloc(nr_bytes + GUARD);

    CHECK(out);
    memset(out, FILL, nr_bytes + GUARD);
    *ret = nodeaff_nodemap_export_raw(map, out, nr_bits);
    for (i = (*ret < 0 ? 0 : nr_bytes); i < nr_bytes + GUARD; i++)
        CHECK(out[i] == FILL);
    return out;
}

static void check_size(unsigned int map_size, const uint8_t *bytes,
                       uint32_t nr_bits, int pass_null, long last)
{
    struct nodeaff_nodemap *map = NULL, *before = NULL;
    size_t nr_bytes = ((size_t)nr_bits + 7) / 8, n;
    uint8_t *out;
    int r, e;

    CHECK(nodeaff_nodemap_new(map_size, &map) == 0);
    /* Something to be replaced, or to stay if the import fails. */
    CHECK(nodeaff_nodemap_set(map, 0) == 0);
    CHECK(nodeaff_nodemap_set(map, map_size - 1) == 0);
    CHECK(nodeaff_nodemap_copy(map, &before) == 0);

    r = nodeaff_nodemap_import_raw(map, pass_null ? NULL : bytes, nr_bits);
    if (last >= (long)map_size) {
        CHECK(r == -ERANGE);
        CHECK(nodeaff_nodemap_equal(map, before) == 1);
        /* The unchanged map holds map_size - 1: fewer bits cannot take it. */
        out = export(map, map_size - 1, &e);
        CHECK(e == -ERANGE);
        free(out);
        goto done;
    }
    CHECK(r == 0);
    for (n = 0; n < map_size; n++)
        CHECK(nodeaff_nodemap_test(map, (unsigned int)n) == ref_bit(bytes, nr_bits, n));
    CHECK(nodeaff_nodemap_last(map) == (last < 0 ? -ENOENT : (int)last));

    /* Round trip with the same nr_bits: the input, masked. */
    out = export(map, nr_bits, &e);
    CHECK(e == (int)nr_bytes);
    for (n = 0; n < (size_t)nr_bits; n++)
        CHECK(((out[n / 8] >> (n % 8)) & 1) == ref_bit(bytes, nr_bits, n));
    for (; n < nr_bytes * 8; n++)
        CHECK(((out[n / 8] >> (n % 8)) & 1) == 0);
    free(out);

    /* With the map's own size, as a toolstack sizes Xen's buffer. */
    out = export(map, map_size, &e);
    CHECK(e == (int)((map_size + 7) / 8));
    for (n = 0; n < ((size_t)map_size + 7) / 8 * 8; n++)
        CHECK(((out[n / 8] >> (n % 8)) & 1) == ref_bit(bytes, nr_bits, n));
    free(out);

    /* One bit too few for the highest node. */
    if (last >= 0) {
        out = export(map, (uint32_t)last, &e);
        CHECK(e == -ERANGE);
        free(out);
    }
done:
    nodeaff_nodemap_free(before);
    nodeaff_nodemap_free(map);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const uint8_t *bytes;
    size_t length, i;
    uint32_t nr_bits;
    int pass_null;
    long last;

    if (size < 5)
        return 0;
    nr_bits = (uint32_t)data[0] | (uint32_t)data[1] << 8 |
              (uint32_t)data[2] << 16 | (uint32_t)data[3] << 24;
    bytes = data + 5;
    length = size - 5;
    nr_bits = (uint32_t)(nr_bits % (8 * (uint64_t)length + 1));
    pass_null = nr_bits == 0 && (data[4] & 1);

    last = ref_last(bytes, nr_bits);
    for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++)
        check_size(sizes[i], bytes, nr_bits, pass_null, last);

    /* bytes may be NULL only when nr_bits is 0. */
    if (nr_bits > 0) {
        struct nodeaff_nodemap *map = NULL;

        CHECK(nodeaff_nodemap_new(64, &map) == 0);
        CHECK(nodeaff_nodemap_import_raw(map, NULL, nr_bits) == -EINVAL);
        CHECK(nodeaff_nodemap_export_raw(map, NULL, nr_bits) == -EINVAL);
        nodeaff_nodemap_free(map);
    }
    return 0;
}
