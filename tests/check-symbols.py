#!/usr/bin/env python3
"""Checks that libcstat exports exactly its public API.

usage: check-symbols.py LIBCSTAT_SO HEADER SYMBOL_MAP

The symbols the shared library defines must be the functions declared with
CSTAT_EXPORT in the header, and both must match the version script: no
internal cstat__ function leaks out, and no public one is missing.
"""
import re
import subprocess
import sys

lib, header, symmap = sys.argv[1:4]
nm = subprocess.run(["nm", "-D", "--defined-only", lib], capture_output=True,
                    text=True, check=True).stdout
exported = {l.split()[-1].split("@")[0] for l in nm.splitlines()
            if len(l.split()) >= 3 and l.split()[1] in "TtWw" and l.split()[-1].startswith("cstat")}
text = open(header, encoding="utf-8").read()
declared = set(re.findall(r"CSTAT_EXPORT[^;(]*?\b(cstat_\w+)\s*\(", text, re.S))
mapped = set(re.findall(r"^\s*(cstat_\w+);", open(symmap).read(), re.M))
ok = True
for name, a, b in (("exported but not declared", exported, declared),
                   ("declared but not exported", declared, exported),
                   ("in the version script but not declared", mapped, declared),
                   ("declared but not in the version script", declared, mapped)):
    extra = sorted(a - b)
    if extra:
        print("%s: %s" % (name, ", ".join(extra)))
        ok = False
if not declared:
    print("no CSTAT_EXPORT declarations found")
    ok = False
sys.exit(0 if ok else 1)
