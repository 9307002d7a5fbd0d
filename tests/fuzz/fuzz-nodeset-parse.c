/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libFuzzer target for the nodeset grammar.  The first input byte picks the
 * map size, the rest is the text.  A successful parse must format to list
 * and JSON texts that parse back to an equal map, and a failed parse must
 * leave the map unchanged with a column inside the text.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "nodeaff.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* abort() is what fuzzers and the replay driver both catch. */
#define CHECK(cond) do { if (!(cond)) abort(); } while (0)

static const unsigned int sizes[] = { 1, 8, 64, 65, 128, 4096, 65536 };

static void check_roundtrip(const struct nodeaff_nodemap *map, unsigned int nr_nodes,
                            enum nodeaff_format format)
{
    struct nodeaff_nodemap *back = NULL;
    int len = nodeaff_nodemap_format(map, format, NULL, 0);
    char *text;

    CHECK(len > 0);
    text = malloc((size_t)len + 1);
    CHECK(text);
    CHECK(nodeaff_nodemap_format(map, format, text, (size_t)len + 1) == len);
    CHECK(strlen(text) == (size_t)len);
    CHECK(nodeaff_nodemap_new(nr_nodes, &back) == 0);
    CHECK(nodeaff_nodemap_parse(back, text, NULL, NULL) == 0);
    CHECK(nodeaff_nodemap_equal(map, back) == 1);
    nodeaff_nodemap_free(back);
    free(text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct nodeaff_nodemap *map = NULL, *before = NULL;
    unsigned int nr_nodes, column = 0;
    int reason = -1, r;
    char *text;

    if (size < 1)
        return 0;
    nr_nodes = sizes[data[0] % (sizeof(sizes) / sizeof(sizes[0]))];
    text = malloc(size);
    CHECK(text);
    memcpy(text, data + 1, size - 1);
    text[size - 1] = '\0';

    CHECK(nodeaff_nodemap_new(nr_nodes, &map) == 0);
    CHECK(nodeaff_nodemap_set(map, nr_nodes / 2) == 0);
    CHECK(nodeaff_nodemap_copy(map, &before) == 0);

    r = nodeaff_nodemap_parse(map, text, &reason, &column);
    if (r == 0) {
        CHECK(reason == -1 && column == 0);
        check_roundtrip(map, nr_nodes, NODEAFF_FORMAT_LIST);
        check_roundtrip(map, nr_nodes, NODEAFF_FORMAT_JSON);
        CHECK(nodeaff_nodemap_format(map, NODEAFF_FORMAT_HEX, NULL, 0) > 2);
    } else {
        CHECK(r == -22 || r == -34 || r == -75);   /* EINVAL ERANGE EOVERFLOW */
        CHECK(reason > 0 && reason <= NODEAFF_PARSE_UNTERMINATED_STRING);
        CHECK(column >= 1 && column <= strlen(text) + 1);
        CHECK(nodeaff_nodemap_equal(map, before) == 1);
    }
    nodeaff_nodemap_free(before);
    nodeaff_nodemap_free(map);
    free(text);
    return 0;
}
