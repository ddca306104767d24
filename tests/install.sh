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
echo "installed library, header and pkg-config file work"
