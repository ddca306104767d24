#!/usr/bin/env python3
"""Writes lib/pow5.h, the powers of five that lib/shortest.c multiplies by
and the powers of ten that lib/numfmt.c reads numbers with.

usage: python3 lib/gen-pow5.py > lib/pow5.h

Each entry is a 128-bit number as two 64-bit halves, low half first:
  pow5[i]     = 5^i shifted to its 125 most significant bits (truncated),
                i = 0 .. 325 (the largest i a double needs: -e2 - q with
                e2 = -1076, q = 751);
  pow5_inv[q] = floor(2^(bits(5^q) - 1 + 125) / 5^q) + 1, q = 0 .. 290
                (the largest q a double needs: floor(log10(2^969)) - 1).
These are the tables of Ulf Adams' Ryu (PLDI 2018), computed with exact
integers here so that anyone can check them.  And, for reading numbers
(lib/numfmt.c, Lemire's algorithm as Go's eiselLemire64):
  pow10_128[q - POW10_MIN] = 10^q normalized to 128 bits (top bit set),
                truncated, q = POW10_MIN .. POW10_MAX: for q >= 0, 10^q
                shifted to 128 bits; for q < 0, floor(2^s / 10^-q) with s making
                it 128 bits.
"""

POW5_BITS = 125
NPOW5 = 326
NINV = 291
MASK = (1 << 64) - 1
POW10_MIN = -64
POW10_MAX = 64


def pow10_128(q):
    if q >= 0:
        v = 10**q
        b = v.bit_length()
        return v << (128 - b) if b <= 128 else v >> (b - 128)
    d = 10**-q
    s = 127 + d.bit_length()
    x = (1 << s) // d
    while x >= 1 << 128:
        s -= 1
        x = (1 << s) // d
    while x < 1 << 127:
        s += 1
        x = (1 << s) // d
    return x


def rows(name, values):
    out = ["static const uint64_t %s[%d][2] = {" % (name, len(values))]
    for v in values:
        assert 0 < v < 1 << 128
        out.append("\t{%du, %du}," % (v & MASK, v >> 64))
    out.append("};")
    return "\n".join(out)


def main():
    pow5 = []
    for i in range(NPOW5):
        p = 5**i
        shift = p.bit_length() - POW5_BITS
        pow5.append(p >> shift if shift >= 0 else p << -shift)
    inv = []
    for q in range(NINV):
        p = 5**q
        inv.append((1 << (p.bit_length() - 1 + POW5_BITS)) // p + 1)
    print("/*")
    print(" * pow5.h - powers of five for lib/shortest.c and of ten for")
    print(" * lib/numfmt.c, written by lib/gen-pow5.py (do not edit; run it")
    print(" * again).")
    print(" */")
    print("#ifndef CSTAT_POW5_H")
    print("#define CSTAT_POW5_H")
    print()
    print("#include <stdint.h>")
    print()
    print("#define POW5_BITS %d" % POW5_BITS)
    print("#define POW5_COUNT %d" % NPOW5)
    print("#define POW5_INV_COUNT %d" % NINV)
    print()
    print(rows("pow5", pow5))
    print()
    print(rows("pow5_inv", inv))
    print()
    print("#define POW10_MIN (%d)" % POW10_MIN)
    print("#define POW10_MAX %d" % POW10_MAX)
    print(rows("pow10_128", [pow10_128(q)
                         for q in range(POW10_MIN, POW10_MAX + 1)]))
    print()
    print("#endif /* CSTAT_POW5_H */")


main()
