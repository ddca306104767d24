#!/bin/sh
# Installs the build into a scratch prefix and builds docs/examples/embed.c
# against it the way a user would: with pkg-config, against the shared
# library and against the static one.  Both programs must run and print
# the comparison.
#
# usage: install.sh BUILD_DIR SOURCE_DIR
set -eu
build=$1
src=$2
dest=$(mktemp -d)
trap 'rm -rf "$dest"' EXIT
meson install -C "$build" --destdir "$dest" --no-rebuild --quiet
pc=$(dirname "$(find "$dest" -name libcstat.pc | head -n 1)")
export PKG_CONFIG_PATH="$pc"
# The .pc file names the real prefix; point it into the scratch copy.
prefix=$(pkg-config --variable=prefix libcstat)
pcopt="--define-variable=prefix=$dest$prefix"
cflags=$(pkg-config "$pcopt" --cflags libcstat)
libs=$(pkg-config "$pcopt" --libs libcstat)
libdir=$(pkg-config "$pcopt" --variable=libdir libcstat)
# A static link needs libcstat's own dependencies (cJSON, GSL), which the
# .pc file lists for --static.
static_libs=$(pkg-config "$pcopt" --static --libs-only-l libcstat | sed 's/-lcstat//')
cc -std=c11 $cflags "$src/docs/examples/embed.c" $libs -o "$dest/embed-shared"
cc -std=c11 $cflags "$src/docs/examples/embed.c" "$libdir/libcstat.a" $static_libs -o "$dest/embed-static"
cd "$src/testdata/conformance/edge-mismatch"
LD_LIBRARY_PATH="$libdir" "$dest/embed-shared" a.txt b.txt | grep -q "B-8 sec/op: +47.62% (p=0.002)"
"$dest/embed-static" a.txt b.txt | grep -q "B-8 sec/op: +47.62% (p=0.002)"
# The static program does not need the shared library at all.
if ldd "$dest/embed-static" | grep -q libcstat; then
	echo "embed-static links libcstat.so"
	exit 1
fi
# The manual pages, rendered from where they are installed; the bash
# completion, loaded by each tool's name as bash-completion does; the
# guides the usage texts point at, where they say.
share="$dest$prefix/share"
for page in man1/cstat.1 man1/cregress.1 man1/cbaseline.1 man3/libcstat.3; do
	test -f "$share/man/$page" || { echo "no $page installed"; exit 1; }
	# Rendered where man is installed (man-db; a minimal system may
	# lack it): tests/man.py skips then too.
	command -v man >/dev/null 2>&1 || continue
	MANWIDTH=80 man -l --warnings "$share/man/$page" >/dev/null 2>"$dest/warn"
	if test -s "$dest/warn"; then
		echo "$page: warnings:"
		cat "$dest/warn"
		exit 1
	fi
done
for tool in cstat cregress cbaseline; do
	f="$share/bash-completion/completions/$tool"
	test -f "$f" || { echo "no completion for $tool installed"; exit 1; }
	bash --norc -c ". '$f' && complete -p $tool" | grep -q "_$tool $tool" ||
		{ echo "$f does not complete $tool"; exit 1; }
	LD_LIBRARY_PATH="$libdir" "$dest$prefix/bin/$tool" --version | grep -qx "$tool [0-9.]*" ||
		{ echo "$tool --version"; exit 1; }
done
docdir=$(LD_LIBRARY_PATH="$libdir" "$dest$prefix/bin/cstat" -v1 -h |
	sed -n 's|^See man cstat (section V1) or \(.*\)/v1.md.$|\1|p')
test -n "$docdir" && test -f "$dest$docdir/v1.md" ||
	{ echo "cstat -v1 -h names $docdir/v1.md, not installed"; exit 1; }
test -f "$dest$docdir/formats.md" || { echo "no formats.md"; exit 1; }
echo "installed library, header, pkg-config file, manual pages," \
	"completion and guides work"
