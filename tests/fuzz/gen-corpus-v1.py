#!/usr/bin/env python3
"""Writes the seed corpus of tests/fuzz/fuzz-v1.c to tests/fuzz/corpus-v1/.

Each seed is an options byte (see fuzz-v1.c) and one file, or two split
by "\\0\\0": every -v1 conformance case (its files cut to 8 KiB at a line
end, its flags in the options byte) and small edge cases of the reader's
fast path.  Run from the repository root; it rewrites the gen-* seeds and
leaves any other (crash-*) seed alone.
"""
import os
import glob

OUT = 'tests/fuzz/corpus-v1'
TWO, THREADS, TTEST, NOTEST, GEO, NOSPLIT = 1, 2, 4, 8, 16, 128
SORTS = {'none': 0, 'name': 1, 'delta': 2, '-name': 3}
LINE = b'BenchmarkFoo-8   1000000   1234.5 ns/op   16 B/op   1 allocs/op'


def seed(name, files, opt=0):
    opt |= TWO if len(files) > 1 else 0
    data = bytes([opt]) + b'\0\0'.join(files[:2])
    with open(os.path.join(OUT, 'gen-' + name), 'wb') as f:
        f.write(data)


def cut(b, n=8 * 1024):
    if len(b) <= n:
        return b
    return b[:b.rfind(b'\n', 0, n) + 1]


def conformance():
    for case in sorted(glob.glob('testdata/conformance/v1-*')):
        args = open(os.path.join(case, 'args')).read().split('\n')
        args = [a for a in args if a]
        opt, files, i = 0, [], 0
        while i < len(args):
            a = args[i]
            if a in ('-delta-test', '-sort', '-split', '-alpha'):
                v = args[i + 1]
                i += 1
            elif '=' in a and a.startswith('-'):
                a, v = a.split('=', 1)
            else:
                v = None
            if a == '-delta-test':
                opt |= TTEST if v.startswith('t') else NOTEST if v == 'none' else 0
            elif a == '-sort':
                opt |= SORTS.get(v, 0) << 5
            elif a == '-split' and v == '':
                opt |= NOSPLIT
            elif a == '-geomean':
                opt |= GEO
            elif not a.startswith('-'):
                p = os.path.join(case, a)
                if os.path.isfile(p):
                    files.append(cut(open(p, 'rb').read()))
            i += 1
        if files:
            seed(os.path.basename(case), files, opt)


def line(name, fields):
    return b'Benchmark' + name + b' ' + b' '.join(fields)


def edges():
    base = b'goos: linux\ngoarch: amd64\npkg: x\n\n'
    # Values of every form, plain and not.
    vals = [b'1.', b'.5', b'1e3', b'2147483648', b'999999999', b'1234567890',
            b'0.1234567891', b'12345.6789', b'123456789.', b'1_000', b'+1.5',
            b'-1.5', b'00000000001', b'0x10', b'inf', b'NaN', b'1.2.3',
            b'0', b'0.0', b'-0', b'4294967296', b'99999.9999', b'9.99999999']
    for i, v in enumerate(vals):
        body = b''.join(line(b'V-8', [b'10', v, b'ns/op', v, b'B/op']) + b'\n'
                        for _ in range(3))
        seed('value-%02d' % i, [base + body, base + body.replace(b'V-8 10', b'V-8 20')])
    # A line cut at each byte, as a whole file and before a next line.
    for n in range(len(LINE) + 1):
        seed('cut-%02d' % n, [LINE[:n], LINE[:n] + b'\n' + LINE + b'\n'])
    # CRLF, a lone CR, NUL bytes.
    seed('crlf', [base.replace(b'\n', b'\r\n') + (LINE + b'\r\n') * 3])
    seed('cr-mid', [(LINE.replace(b'   16', b'\r16') + b'\n') * 3])
    seed('nul', [(LINE.replace(b'  16', b'\x0016') + b'\n') * 3 + b'Benchmark\0 1 2 x\n'])
    # Lines of 62-66, 127-129 bytes, fields ending and starting at byte 64.
    for target in (62, 63, 64, 65, 66, 127, 128, 129, 191, 192, 193):
        pad = target - len(LINE)
        ln = LINE.replace(b'-8 ', b'-8 ' + b' ' * max(pad, 0), 1)[:target]
        seed('len-%03d' % target, [(ln + b'\n') * 2, (ln + b'\r\n') * 2])
    for at in (60, 62, 63, 64, 65, 66):
        head = b'BenchmarkB-8 5 '
        filler = b'x' * (at - len(head) - 6)
        ln = head + b'7 ' + filler + b' 12.5 ns/op'
        seed('field-at-%02d' % at, [ln + b'\n', ln.replace(b'12.5', b'13.5') + b'\n'])
    # Many fields: 62, 63, 64, 65 and 130 of them, and a dangling token.
    for nf in (61, 62, 63, 64, 65, 130):
        pairs = [b'%d.5 u%d' % (k, k) for k in range((nf - 2) // 2)]
        extra = [b'9'] if nf % 2 else []
        ln = line(b'Many-4', [b'3'] + pairs + extra)
        seed('fields-%03d' % nf, [ln + b'\n' + ln + b'\n'])
    # Unicode spaces, invalid UTF-8, bytes from 0x80 in the second block.
    seed('unicode-space', [b'BenchmarkU-8\xc2\xa010\xe2\x80\x8312.5 ns/op\n'
                           b'BenchmarkU-8 10\xc2\x8513.5\xe3\x80\x80ns/op\n'])
    seed('invalid-utf8', [b'BenchmarkI\xff-8 10 12.5 ns/op\xc3\n' * 2])
    seed('high-late', [LINE + b' ' * 10 + b'\xc2\xa0 7 x/op\n'])
    # Iterations 0, too few fields, labels, blank lines, a run broken up.
    seed('shapes', [b'pkg: a\nBenchmarkZ 0 1 ns/op\nBenchmarkT 1 2\n'
                    b'BenchmarkOK 1 2 ns/op\nnote: x\n\npkg: b\n'
                    b'BenchmarkOK 1 3 ns/op\nBenchmarkOK 1 4 B/op\n'
                    b'BenchmarkOK 1 5 ns/op\nBenchmark 1 2 ns/op\n'],
         THREADS | GEO)
    # Past one 128 KiB batch, a line across the boundary, two threads.
    big = b''.join(b'BenchmarkBig/n=%d-8 1000 %d.%d ns/op %d B/op\n'
                   % (k % 50, 1000 + k, k % 10, k % 97) for k in range(3200))
    seed("batches", [big], THREADS)


if __name__ == '__main__':
    os.makedirs(OUT, exist_ok=True)
    for f in glob.glob(os.path.join(OUT, 'gen-*')):
        os.remove(f)
    conformance()
    edges()
