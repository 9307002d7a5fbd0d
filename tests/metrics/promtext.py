# SPDX-License-Identifier: LGPL-2.1-or-later
"""A strict reader of Prometheus' text exposition format (0.0.4), for the
metrics tests: check-format (host) and check-rig-metrics (a live dom0's
output served by node_exporter).  Raises ValueError naming the line."""

import math
import re

NAME = re.compile(r'[a-zA-Z_:][a-zA-Z0-9_:]*$')
LABEL = re.compile(r'[a-zA-Z_][a-zA-Z0-9_]*$')
SAMPLE = re.compile(r'([a-zA-Z_:][a-zA-Z0-9_:]*)(\{.*\})?\s+(\S+)(\s+-?\d+)?$')


def _labels(text, where):
    """'{a="x",b="y\\"z"}' -> (('a','x'), ('b','y"z'))"""
    out = []
    i, body = 0, text[1:-1]
    while i < len(body):
        m = re.match(r'\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*=\s*"', body[i:])
        if not m:
            raise ValueError(f'{where}: bad label at {body[i:]!r}')
        name = m.group(1)
        i += m.end()
        val = []
        while True:
            if i >= len(body):
                raise ValueError(f'{where}: unterminated label value')
            c = body[i]
            if c == '\\':
                nxt = body[i + 1:i + 2]
                if nxt not in ('\\', '"', 'n'):
                    raise ValueError(f'{where}: bad escape \\{nxt}')
                val.append('\n' if nxt == 'n' else nxt)
                i += 2
            elif c == '"':
                i += 1
                break
            else:
                val.append(c)
                i += 1
        if name in (n for n, _ in out):
            raise ValueError(f'{where}: label {name} twice')
        out.append((name, ''.join(val)))
        rest = body[i:].lstrip()
        if rest.startswith(','):
            i = len(body) - len(rest) + 1
        elif rest:
            raise ValueError(f'{where}: expected , or }} at {rest!r}')
        else:
            break
    return tuple(sorted(out))


def parse(text):
    """Returns {family: {'help': str, 'type': str,
    'samples': {labels-tuple: float}}}.  Families must be contiguous, HELP
    and TYPE must come before their samples, once each; no series twice."""
    fams = {}
    done = set()
    current = None
    for no, line in enumerate(text.splitlines(), 1):
        where = f'line {no}'
        if not line.strip():
            continue
        if line.startswith('#'):
            parts = line.split(None, 3)
            if len(parts) >= 3 and parts[1] in ('HELP', 'TYPE'):
                name = parts[2]
                if not NAME.match(name):
                    raise ValueError(f'{where}: bad metric name {name!r}')
                if name in done:
                    raise ValueError(f'{where}: family {name} is not contiguous')
                if current and current != name:
                    done.add(current)
                current = name
                f = fams.setdefault(name, {'help': None, 'type': None, 'samples': {}})
                key = parts[1].lower()
                if f[key] is not None:
                    raise ValueError(f'{where}: second {parts[1]} for {name}')
                if f['samples']:
                    raise ValueError(f'{where}: {parts[1]} after samples of {name}')
                f[key] = parts[3] if len(parts) > 3 else ''
                if key == 'type' and f['type'] not in (
                        'counter', 'gauge', 'histogram', 'summary', 'untyped'):
                    raise ValueError(f'{where}: bad type {f["type"]!r}')
            continue
        m = SAMPLE.match(line)
        if not m:
            raise ValueError(f'{where}: not a sample: {line!r}')
        name, labels, value = m.group(1), m.group(2), m.group(3)
        if name in done:
            raise ValueError(f'{where}: family {name} is not contiguous')
        if current and current != name:
            done.add(current)
        current = name
        f = fams.setdefault(name, {'help': None, 'type': None, 'samples': {}})
        key = _labels(labels, where) if labels else ()
        if key in f['samples']:
            raise ValueError(f'{where}: series {name}{labels or ""} twice')
        v = float(value)            # raises ValueError on garbage
        if math.isnan(v):
            raise ValueError(f'{where}: NaN')
        f['samples'][key] = v
    return fams


def series(fams, name):
    """{labels as dict items tuple: value} of one family ({} if absent)."""
    return fams.get(name, {}).get('samples', {})
