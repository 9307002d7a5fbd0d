/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The smallest libnodeaff program: parse a nodeset, walk it, format it.
 *
 *     cc consumer.c $(pkg-config --cflags --libs nodeaff) -o consumer
 *     ./consumer
 *     0-3,^1 is {0,2,3}, as a list: 0,2-3
 *
 * The consumer test builds it against an installed (staged) libnodeaff
 * with nothing but pkg-config's flags, so it is also the proof that the
 * installed header, library and nodeaff.pc are enough.
 */
#include <stdio.h>
#include <string.h>

#include <nodeaff.h>

int main(void)
{
    const char *text = "0-3,^1";
    const char *sep = "";
    struct nodeaff_nodemap *map;
    char list[64];
    int node, r;

    r = nodeaff_nodemap_new(8, &map);       /* nodes 0..7 */
    if (r < 0) {
        fprintf(stderr, "nodeaff_nodemap_new: %s\n", strerror(-r));
        return 1;
    }

    r = nodeaff_nodemap_parse(map, text, NULL, NULL);
    if (r < 0) {
        fprintf(stderr, "cannot parse %s: %s\n", text, strerror(-r));
        nodeaff_nodemap_free(map);
        return 1;
    }

    printf("%s is {", text);
    for (node = nodeaff_nodemap_first(map); node >= 0;
         node = nodeaff_nodemap_next(map, (unsigned int)node)) {
        printf("%s%d", sep, node);
        sep = ",";
    }
    printf("}");

    /* Like snprintf: r is the full length, which may exceed the buffer. */
    r = nodeaff_nodemap_format(map, NODEAFF_FORMAT_LIST, list, sizeof(list));
    nodeaff_nodemap_free(map);
    if (r < 0 || (size_t)r >= sizeof(list)) {
        fprintf(stderr, "\nnodeaff_nodemap_format: %d\n", r);
        return 1;
    }
    printf(", as a list: %s\n", list);

    return strcmp(list, "0,2-3") == 0 ? 0 : 1;
}
