#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# `nodeaff place --topology`: offline what-ifs, output forms, exit codes.
# usage: test-cli-place.sh NODEAFF TOPOLOGY_DIR
# NODEAFF_TEST_WRAPPER (e.g. "valgrind --error-exitcode=99 --leak-check=full
# -q") runs every nodeaff under it; its errors change the exit status, which
# every check compares.
set -u
WRAP=${NODEAFF_TEST_WRAPPER:-}
NODEAFF=$1
DIR=$2
T=$DIR/topologies
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
fails=0
n=0

# matches REGEX FILE: '^$' means FILE must be empty.
matches() {
    if [ "$1" = '^$' ]; then [ ! -s "$2" ]; else grep -Eq -- "$1" "$2"; fi
}

# check NAME EXPECTED_RC EXPECTED_STDOUT_REGEX EXPECTED_STDERR_REGEX -- ARGS...
check() {
    name=$1 want_rc=$2 want_out=$3 want_err=$4
    shift 5
    n=$((n + 1))
    # shellcheck disable=SC2086
    $WRAP "$NODEAFF" "$@" >"$TMP/out" 2>"$TMP/err"
    rc=$?
    ok=1
    [ "$rc" = "$want_rc" ] || ok=0
    matches "$want_out" "$TMP/out" || ok=0
    matches "$want_err" "$TMP/err" || ok=0
    if [ $ok = 1 ]; then
        echo "ok $n - $name"
    else
        echo "not ok $n - $name (rc $rc, want $want_rc)"
        sed 's/^/#   out: /' "$TMP/out"
        sed 's/^/#   err: /' "$TMP/err"
        fails=$((fails + 1))
    fi
}

E=$T/epyc-2s-nps4.topo
check "one node: fewest vCPUs among nodes with room" 0 '^4$' '^$' -- \
    place --memory 6G --vcpus 4 --topology "$E"
check "bare size is MiB" 0 '^4$' '^$' -- \
    place --memory 6144 --vcpus 4 --topology "$E"
check "two close nodes" 0 '^4,6$' '^$' -- \
    place --memory 100G --vcpus 4 --topology "$E"
check "explain lists candidates and the verdict" 0 \
    'more vCPUs already placed than the winner \(6 > 1\)' '^$' -- \
    place --memory 100G --vcpus 4 --explain --topology "$E"
check "explain ends with the placement" 0 '^placement: 4,6$' '^$' -- \
    place --memory 100G --vcpus 4 --explain --topology "$E"
check "CPU-less node joins, memory-less node skipped" 0 'skipped: node 3 \(no memory\)' '^$' -- \
    place --memory 10G --vcpus 2 --explain --topology "$T/cxl-asym.topo"
check "asymmetric distance decides" 0 '^placement: 0,2$' '^$' -- \
    place --memory 10G --vcpus 2 --explain --topology "$T/cxl-asym.topo"
check "strict, no fit: exit 1, says how much there is" 1 '^$' \
    'no set of nodes has 409600 MiB free \(largest: 318464 MiB, nodes 0-7\)' -- \
    place --memory 400G --vcpus 2 --strict --topology "$E"
check "preferred, no fit: every node, with a warning" 0 '^0-7$' \
    'warning: no set of nodes has 409600 MiB free' -- \
    place --memory 400G --vcpus 2 --topology "$E"
check "bad size" 2 '^$' "bad --memory '2X'" -- \
    place --memory 2X --vcpus 2 --topology "$E"
check "zero size" 2 '^$' "bad --memory '0'" -- \
    place --memory 0 --vcpus 2 --topology "$E"
check "bad vcpus" 2 '^$' "bad --vcpus '-1'" -- \
    place --memory 1G --vcpus -1 --topology "$E"
check "missing --vcpus" 2 '^$' 'required' -- \
    place --memory 1G --topology "$E"
check "option without value" 2 '^$' 'needs a value' -- \
    place --vcpus 1 --memory
check "unknown option" 2 '^$' 'unexpected argument' -- \
    place --memory 1G --vcpus 1 --bogus

printf 'node 0 mem=1G cpus=0\n# fine so far\nnode 1 mem=2Q cpus=1\n' >"$TMP/bad.topo"
check "malformed file: line number and text" 2 '^$' \
    'bad.topo:3: malformed topology line: node 1 mem=2Q cpus=1' -- \
    place --memory 1G --vcpus 1 --topology "$TMP/bad.topo"
printf '# empty\n' >"$TMP/empty.topo"
check "file without nodes" 2 '^$' "no 'node' line" -- \
    place --memory 1G --vcpus 1 --topology "$TMP/empty.topo"
check "missing file" 2 '^$' 'cannot read .*No such file' -- \
    place --memory 1G --vcpus 1 --topology "$TMP/none.topo"

if [ ! -e /dev/xen/privcmd ] && [ ! -e /proc/xen/privcmd ]; then
    check "no --topology and no hypervisor: exit 1 with a hint" 1 '^$' \
        'cannot open the hypervisor' -- place --memory 1G --vcpus 1
fi

# JSON: must parse, with and without --explain, as global or local option.
for args in "--json place --memory 100G --vcpus 4" \
            "place --memory 100G --vcpus 4 --json --explain" \
            "--json place --memory 400G --vcpus 4 --explain"; do
    n=$((n + 1))
    # shellcheck disable=SC2086
    if $WRAP "$NODEAFF" $args --topology "$E" 2>/dev/null | python3 -m json.tool >"$TMP/json"; then
        echo "ok $n - json parses: $args"
    else
        echo "not ok $n - json does not parse: $args"
        fails=$((fails + 1))
    fi
done
n=$((n + 1))
# shellcheck disable=SC2086
if $WRAP "$NODEAFF" --json place --memory 400G --vcpus 4 --explain --topology "$E" 2>/dev/null |
   python3 -c 'import json,sys; d=json.load(sys.stdin); assert d["nodes"]==list(range(8)) and d["fits"] is False and len(d["candidates"])==1, d'; then
    echo "ok $n - json fields"
else
    echo "not ok $n - json fields"
    fails=$((fails + 1))
fi

echo "1..$n"
[ $fails = 0 ]
