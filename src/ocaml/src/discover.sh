#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# Writes c_flags.sexp and c_library_flags.sexp for dune from
# `pkg-config nodeaff`: each flag one quoted atom.
set -eu
sexp() {
    printf '('
    for f in "$@"; do
        printf ' "%s"' "$(printf '%s' "$f" | sed 's/[\\"]/\\&/g')"
    done
    printf ' )\n'
}
if ! cflags=$(pkg-config --cflags nodeaff) || ! libs=$(pkg-config --libs nodeaff); then
    echo "discover.sh: pkg-config cannot find nodeaff (set PKG_CONFIG_PATH)" >&2
    exit 1
fi
# shellcheck disable=SC2086 # pkg-config's output is a word list
sexp $cflags >c_flags.sexp
# shellcheck disable=SC2086
sexp $libs >c_library_flags.sexp
