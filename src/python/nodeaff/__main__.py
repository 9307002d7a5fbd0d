# SPDX-License-Identifier: LGPL-2.1-or-later
"""python3 -m nodeaff parse [--max-nodes N] [--format list|hex|json] [--json] EXPR...

Mirrors the ``nodeaff parse`` command (src/tool/cmd-parse.c) byte for byte:
the same stdout, the same single stderr line and the same exit status (0
success, 2 bad usage or input), option handling included (--json and
--help anywhere, GNU long options with unique prefixes and --opt=value, "--"
ending the options).  Only the parse command exists here; the hypervisor
commands are the C tool's.
"""

from __future__ import annotations

import os
import sys
from typing import BinaryIO, Optional

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2

_PARSE_SYNOPSIS = "parse [--max-nodes N] [--format list|hex|json] EXPR..."
_USAGE = ("Usage: python3 -m nodeaff [--json] COMMAND [ARGS...]\n"
          "       python3 -m nodeaff --help | --version\n\nCommands:\n"
          f"  nodeaff {_PARSE_SYNOPSIS}\n"
          "\nOnly parse is here; the hypervisor commands are the nodeaff command's.\n"
          "Exit status: 0 success, 1 a failed operation, 2 bad usage or input.\n"
          "See nodeaff(1).\n")
# getopt_long's table in cmd-parse.c: name, takes an argument, short value.
_LONG_OPTIONS = (("max-nodes", True, "m"), ("format", True, "f"),
                 ("json", False, "j"), ("help", False, "h"))
_C_COMMANDS = ("topology", "get", "set", "reset", "usage", "place")


class _Out:
    def __init__(self, out: BinaryIO, err: BinaryIO) -> None:
        self.out, self.err = out, err

    def print(self, text: str | bytes, err: bool = False) -> None:
        data = text if isinstance(text, bytes) else os.fsencode(text)
        (self.err if err else self.out).write(data)


def _parse_max_nodes(s: str) -> int:
    """Strict decimal, 1..65536; -1 if not (as cmd-parse.c)."""
    n = 0
    if not s:
        return -1
    for ch in s:
        if not "0" <= ch <= "9":
            return -1
        n = n * 10 + ord(ch) - 48
        if n > 65536:
            return -1
    return n if n >= 1 else -1


def _json_string(s: bytes) -> bytes:
    out = bytearray(b'"')
    for c in s:
        if c in (0x22, 0x5C):
            out += b"\\" + bytes([c])
        elif c < 0x20:
            out += b"\\u%04x" % c
        else:
            out.append(c)
    out += b'"'
    return bytes(out)


def _getopt(args: list[str], io: _Out) -> tuple[Optional[int], dict, list[str]]:
    """glibc getopt_long(argc, argv, "", options) with permutation: returns
    (exit status or None, options, operands)."""
    opts: dict = {"max_nodes": 64, "format": "list", "json": False}
    operands: list[str] = []
    i = 0
    while i < len(args):
        a = args[i]
        i += 1
        if a == "--":
            operands += args[i:]
            break
        if a.startswith("--"):
            name, eq, value = a[2:].partition("=")
            matches = [o for o in _LONG_OPTIONS if name and o[0].startswith(name)]
            exact = [o for o in matches if o[0] == name]
            if exact:
                matches = exact
            if len(matches) != 1:
                return _bad_option(io, a), opts, operands
            lname, has_arg, short = matches[0]
            if has_arg:
                if not eq:
                    if i >= len(args):
                        return _bad_option(io, "-" + short), opts, operands
                    value = args[i]
                    i += 1
            elif eq:
                return _bad_option(io, "-" + short), opts, operands
            status = _apply(short, value, opts, io)
            if status is not None:
                return status, opts, operands
        elif a.startswith("-") and a != "-":
            # No short options: the first letter is the bad one.
            return _bad_option(io, a[:2]), opts, operands
        else:
            operands.append(a)
    return None, opts, operands


def _bad_option(io: _Out, shown: str) -> int:
    io.print(f"nodeaff parse: bad option '{shown}' (see nodeaff parse --help)\n", err=True)
    return EXIT_USAGE


def _apply(short: str, value: str, opts: dict, io: _Out) -> Optional[int]:
    if short == "m":
        n = _parse_max_nodes(value)
        if n < 0:
            io.print(f"nodeaff parse: --max-nodes '{value}' is not a number from 1 to 65536\n",
                     err=True)
            return EXIT_USAGE
        opts["max_nodes"] = n
    elif short == "f":
        if value not in ("list", "hex", "json"):
            io.print(f"nodeaff parse: unknown format '{value}' (list, hex or json)\n", err=True)
            return EXIT_USAGE
        opts["format"] = value
    elif short == "j":
        opts["json"] = True
    elif short == "h":
        io.print("Usage: nodeaff parse [--max-nodes N] [--format list|hex|json] "
                 "[--json] EXPR...\n")
        return EXIT_OK
    return None


def cmd_parse(args: list[str], json_out: bool, io: _Out) -> int:
    """nodeaff parse, after the dispatcher took --json and --help out."""
    from .errors import ParseError
    from .nodemap import NodeMap

    status, opts, exprs = _getopt(args, io)
    if status is not None:
        return status
    if not exprs:
        io.print("nodeaff parse: no expression given (see nodeaff parse --help)\n", err=True)
        return EXIT_USAGE
    maps = []
    for expr in exprs:
        raw = os.fsencode(expr)
        try:
            maps.append(NodeMap.parse(raw, opts["max_nodes"]))
        except ParseError as e:
            io.print(b"nodeaff parse: '" + raw + b"': column %d: " % e.column +
                     os.fsencode(e.strerror) + b"\n", err=True)
            return EXIT_USAGE
    if not (json_out or opts["json"]):
        for m in maps:
            io.print(m.format(opts["format"]) + "\n")
        return EXIT_OK
    parts = []
    for expr, m in zip(exprs, maps):
        parts.append(b'{"input":' + _json_string(os.fsencode(expr)) +
                     f',"nodes":{m.format("json")},"list":"{m.format("list")}",'
                     f'"hex":"{m.format("hex")}"}}'.encode())
    io.print(b'{"max_nodes":%d,"results":[' % opts["max_nodes"] + b",".join(parts) + b"]}\n")
    return EXIT_OK


def main(argv: Optional[list[str]] = None, stdout: Optional[BinaryIO] = None,
         stderr: Optional[BinaryIO] = None) -> int:
    """Runs the command line argv (without the program name); returns the
    exit status."""
    args = list(sys.argv[1:] if argv is None else argv)
    io = _Out(stdout or sys.stdout.buffer, stderr or sys.stderr.buffer)
    json_out = False
    i = 0
    while i < len(args) and args[i].startswith("-"):
        a = args[i]
        if a in ("--help", "-h"):
            io.print(_USAGE)
            return EXIT_OK
        if a == "--version":
            from . import __version__
            io.print(f"nodeaff {__version__}\n")
            return EXIT_OK
        if a == "--json":
            json_out = True
        else:
            io.print(f"nodeaff: unknown option '{a}'\n" + _USAGE, err=True)
            return EXIT_USAGE
        i += 1
    if i >= len(args):
        io.print(_USAGE, err=True)
        return EXIT_USAGE
    cmd, rest = args[i], args[i + 1:]
    if cmd != "parse":
        if cmd in _C_COMMANDS:
            io.print(f"nodeaff: '{cmd}' is the nodeaff command's, not python3 -m nodeaff's "
                     f"(only parse is here)\n", err=True)
        else:
            io.print(f"nodeaff: unknown command '{cmd}'\n" + _USAGE, err=True)
        return EXIT_USAGE
    # The dispatcher's shared options, anywhere before a "--" (which stays).
    kept = []
    for j, a in enumerate(rest):
        if a == "--":
            kept += rest[j:]
            break
        if a == "--json":
            json_out = True
        elif a in ("--help", "-h"):
            io.print(f"Usage: nodeaff [--json] {_PARSE_SYNOPSIS}\nSee nodeaff(1).\n")
            return EXIT_OK
        else:
            kept.append(a)
    return cmd_parse(kept, json_out, io)


if __name__ == "__main__":
    try:
        status = main()
        sys.stdout.flush()
    except BrokenPipeError:
        status = EXIT_FAILED
    sys.exit(status)
