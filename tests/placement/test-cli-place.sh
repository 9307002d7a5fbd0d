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

# ---- issue 14: items 4, 5, 7 and 8 -------------------------------------
# Item 5: {0,3} at distance 12 fits; greedy growth chose {0,2} at 30.
cat >"$TMP/closer.topo" <<'TOPO'
node 0 mem=1G cpus=0
node 1 mem=100M cpus=1
node 2 mem=2G cpus=2
node 3 mem=2G cpus=3
node 4 mem=100M cpus=4
distance 0 1 11
distance 0 3 12
distance 3 4 11
distance 0 2 30
distance 1 2 20
distance 2 4 20
distance 2 3 40
distance 0 4 50
distance 1 3 50
distance 1 4 50
TOPO
check "the closer pair that fits is found" 0 '^placement: 0,3$' '^$' -- \
    place --memory 2G --vcpus 1 --explain --topology "$TMP/closer.topo"
check "explain says when the vCPUs, not memory, set the size" 0 \
    'CPUs, not memory, set the size: 3 needed, memory alone fits 1 node' '^$' -- \
    place --memory 1G --vcpus 3 --explain --topology "$TMP/closer.topo"
# Item 4: more nodes than Xen can have is refused, not cut short.
for i in $(seq 0 2999); do
    if [ $((i % 3)) = 0 ]; then echo "node $i mem=1G cpus=$i"; else echo "node $i mem=0 cpus=$i"; fi
done >"$TMP/n3000.topo"
check "3000 nodes: refused with Xen's limit" 2 '^$' \
    'n3000.topo:65: node 64: a Xen host has at most 64 nodes' -- \
    place --memory 900G --vcpus 1 --topology "$TMP/n3000.topo"
# ... and a 64-node list longer than any fixed buffer would be is whole.
for i in $(seq 0 63); do echo "node $i mem=$((1 - i % 2))G cpus=$i"; done >"$TMP/n64.topo"
check "64 nodes, every other one used: the whole list" 0 \
    "^$(seq -s, 0 2 62)\$" '^$' -- \
    place --memory 32G --vcpus 1 --topology "$TMP/n64.topo"
# Item 7: 200,000 repeats of one line fail at line 2, in bounded memory.
yes 'node 0 mem=1G cpus=0-1' | head -n 200000 >"$TMP/dup.topo"
check "repeated node line: exit 2" 2 '^$' 'dup.topo:2: malformed topology line' -- \
    place --memory 1G --vcpus 1 --topology "$TMP/dup.topo"
# The memory bound needs the plain program: valgrind's wrapper and ASan
# each reserve far more address space than the limit.
if [ -z "$WRAP" ] && [ "$(head -c 4 "$NODEAFF" | od -An -c | tr -d ' ')" = '177ELF' ] &&
   ! grep -q __asan_init "$NODEAFF"; then
    n=$((n + 1))
    if (ulimit -v 65536; "$NODEAFF" topology --topology "$TMP/dup.topo") >/dev/null 2>"$TMP/err"; then
        echo "not ok $n - repeated node line under ulimit -v 64 MiB (accepted)"
        fails=$((fails + 1))
    elif grep -q 'dup.topo:2: malformed' "$TMP/err"; then
        echo "ok $n - repeated node line under ulimit -v 64 MiB"
    else
        echo "not ok $n - repeated node line under ulimit -v 64 MiB"
        sed 's/^/#   err: /' "$TMP/err"
        fails=$((fails + 1))
    fi
fi
printf 'node 0 mem=1G cpus=0\nnode 1 mem=1G\0 cpus=1\n' >"$TMP/nul.topo"
check "NUL byte: line and column" 2 '^$' 'nul.topo:2: column 14: NUL byte' -- \
    topology --topology "$TMP/nul.topo"
check "64 nodes: no 64x64 matrix in the table" 0 'matrix not shown above 16 nodes' '^$' -- \
    topology --topology "$TMP/n64.topo"
# Item 8.
check "missing file: no hypervisor hint" 2 '^$' \
    '^nodeaff: topology: cannot read /nonexistent: No such file or directory$' -- \
    topology --topology /nonexistent
: >"$TMP/empty.topo"
check "empty file: says it has no node line" 2 '^$' "no 'node' line: not a topology file" -- \
    place --memory 1G --vcpus 1 --topology "$TMP/empty.topo"
check "set with an empty set: usage error before the hypervisor" 2 '^$' 'the set is empty' -- \
    set 5 none
check "below 1 MiB is KiB, not 0 MiB" 0 '^domain: 512 KiB, 1 vCPU' '^$' -- \
    place --memory 512K --vcpus 1 --explain --topology "$E"
check "[--json] once in place's usage" 2 '^$' '^Usage: nodeaff \[--json\] place --memory SIZE --vcpus N \[--strict\] \[--explain\] \[--topology FILE\]$' -- \
    place
# A memory-only node is never alone while some usable node has CPUs ...
printf 'node 0 mem=8G\nnode 1 mem=1G cpus=0\n' >"$TMP/memonly.topo"
check "memory-only node joins, never alone" 0 '^placement: 0-1$' '^$' -- \
    place --memory 4G --vcpus 1 --explain --topology "$TMP/memonly.topo"
# ... and when none has, explain does not claim it.
printf 'node 0 mem=8G\nnode 1 mem=1G free=0 cpus=0\n' >"$TMP/nocpu.topo"
check "no usable node with CPUs: explain says any may stand alone" 0 \
    'no usable node has CPUs, so any may stand alone: 0' '^$' -- \
    place --memory 4G --vcpus 1 --explain --topology "$TMP/nocpu.topo"
# ---- issue 16: claimed memory (claimed= in topology files) -------------
C=$T/claimed.topo
check "claimed memory is not free for placement" 0 '^1$' '^$' -- \
    place --memory 1G --vcpus 2 --topology "$C"
check "explain: node all claimed is skipped" 0 \
    'skipped: node 0 \(free memory all claimed\)' '^$' -- \
    place --memory 1G --vcpus 2 --explain --topology "$C"
check "explain: candidates show free unclaimed memory" 0 \
    '^  1 +2560 +10 ' '^$' -- \
    place --memory 1G --vcpus 2 --explain --topology "$C"
check "strict, no fit: the message says unclaimed" 1 '^$' \
    'no set of nodes has 3072 MiB free and unclaimed \(largest: 2560 MiB, nodes 1\)' -- \
    place --memory 3G --vcpus 2 --strict --topology "$C"
# Claims that change the winner are named in the verdict.
printf 'node 0 mem=8G free=8G claimed=7G cpus=0\nnode 1 mem=4G cpus=1\n' >"$TMP/partly.topo"
check "explain: claimed memory mattered" 0 \
    'claimed memory mattered: without claims node 0 \(7168 MiB claimed there\) would have won' '^$' -- \
    place --memory 512M --vcpus 1 --explain --topology "$TMP/partly.topo"
check "topology shows claimed memory" 0 \
    '^0 +online +8192 +6144 +6144 +0  0-1$' '^$' -- \
    topology --topology "$C"
n=$((n + 1))
# shellcheck disable=SC2086
if $WRAP "$NODEAFF" --json topology --topology "$C" 2>/dev/null |
   python3 -c 'import json,sys; d=json.load(sys.stdin); assert [x["claimed_bytes"] for x in d["nodes"]]==[6<<30, 512<<20], d'; then
    echo "ok $n - topology json: claimed_bytes"
else
    echo "not ok $n - topology json: claimed_bytes"
    fails=$((fails + 1))
fi
printf 'node 0 mem=1G free=100M claimed=200M cpus=0\n' >"$TMP/overclaimed.topo"
check "claimed above free: line named" 2 '^$' \
    'overclaimed.topo:1: malformed topology line' -- \
    place --memory 1G --vcpus 1 --topology "$TMP/overclaimed.topo"

for args in "parse 0-3" "place --memory 1G --vcpus 1 --topology $E" "topology --topology $E"; do
    n=$((n + 1))
    # shellcheck disable=SC2086
    $WRAP "$NODEAFF" $args >/dev/full 2>"$TMP/err"
    rc=$?
    if [ "$rc" = 1 ] && grep -q 'cannot write the output: No space left on device' "$TMP/err"; then
        echo "ok $n - write error fails: $args"
    else
        echo "not ok $n - write error fails: $args (rc $rc)"
        sed 's/^/#   err: /' "$TMP/err"
        fails=$((fails + 1))
    fi
done

echo "1..$n"
[ $fails = 0 ]
