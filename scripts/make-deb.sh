#!/bin/sh
# make-deb.sh — build the Debian package dist/bouncesign_VERSION_ARCH.deb from
# the programs in $BIN (a -static-stdlib release build: `make deb` runs it after
# `make build`), the manual pages, examples/ and packaging/debian/.
#
# Plain dpkg-deb from a staging tree (dist/stage/root, removed after), no debhelper: the
# package is two programs and documentation. What debhelper would do is done
# here by hand: strip (dh_strip), gzip -9n the manual pages and the changelog
# (dh_installman, dh_installchangelogs), mark /etc/bouncesign.conf a conffile,
# write md5sums, and compute Depends with dpkg-shlibdeps.
#
# Depends: dpkg-shlibdeps sees only the libraries linked at build time (libc6,
# and libmilter for the milter; the Swift runtime, libstdc++ and libgcc are
# inside the programs: the Makefile's LINKFLAGS). libgpgme
# and libgcrypt are dlopen()ed on first use (Sources/CGPGME/shim.h,
# Sources/CGcrypt/shim.h), so they are declared here, at the versions their
# Debian shlibs files give (what dpkg-shlibdeps would have written had the
# programs been linked with them); gpg is the engine GPGME drives (the default
# `gpg /usr/bin/gpg`), and gpg-agent holds the secret key for every signature
# and for --generate-key.
#
# Then, when lintian is installed, `lintian --fail-on warning` must pass
# (LINTIAN=no skips it). It needs no override today (its info-level tags:
# hardening-no-bindnow, hardening-no-fortify-functions, and spelling-error-in-binary
# for Unicode names in the Swift runtime); should one be needed, put it in
# packaging/debian/lintian-overrides, with a comment saying why, and it is shipped.
#
# usage: BIN=.build/release sh scripts/make-deb.sh      (DIST=dir: output dir)
set -eu
umask 022
repo=$(cd "$(dirname "$0")/.." && pwd)
bin=$(cd "${BIN:?BIN must name the directory of the built programs}" && pwd)
dist=${DIST:-$repo/dist}
deb=$repo/packaging/debian
DLOPENED='libgpgme11 (>= 1.18.0), libgcrypt20 (>= 1.10.0), gpg, gpg-agent'

for t in dpkg-deb dpkg-shlibdeps strip gzip; do
    command -v "$t" >/dev/null || { echo "make-deb.sh: no $t (apt-get install dpkg-dev binutils)" >&2; exit 1; }
done
for p in bouncesign bouncecheck bouncesign-milter; do
    [ -x "$bin/$p" ] || { echo "make-deb.sh: no $bin/$p (make build)" >&2; exit 1; }
    if ldd "$bin/$p" 2>/dev/null | grep -q libswift; then
        echo "make-deb.sh: $bin/$p needs Swift's shared runtime; build with -static-stdlib (make build)" >&2; exit 1
    fi
done

version=$(sed -n 's/.*static let string = "\(.*\)".*/\1/p' "$repo/Sources/BounceKit/Version.swift")
changelog_version=$(sed -n '1s/^bouncesign (\([^)]*\)).*/\1/p' "$deb/changelog")
[ "$version" = "$changelog_version" ] || {
    echo "make-deb.sh: version $version (Version.swift) has no entry in packaging/debian/changelog (top: $changelog_version)" >&2; exit 1; }
arch=$(dpkg --print-architecture)
# Timestamps of the packaged files: the changelog's date, for reproducible builds.
epoch=${SOURCE_DATE_EPOCH:-$(date -d "$(sed -n 's/^ -- .*>  //p' "$deb/changelog" | head -n1)" +%s)}

stage=$dist/stage
root=$stage/root
rm -rf "$stage"
mkdir -p "$root"
doc=$root/usr/share/doc/bouncesign

install -d -m 755 "$root/usr/bin" "$root/usr/sbin" "$root/usr/share/man/man1" "$root/usr/share/man/man5" "$root/usr/share/man/man8" \
    "$root/etc" "$doc/examples" "$root/DEBIAN"
for p in bouncesign bouncecheck; do
    install -m 755 "$bin/$p" "$root/usr/bin/$p"
    strip --strip-unneeded --remove-section=.comment --remove-section=.note "$root/usr/bin/$p"
done
# The milter is a daemon: /usr/sbin, section 8 (libmilter1.0.1 via shlibdeps).
install -m 755 "$bin/bouncesign-milter" "$root/usr/sbin/bouncesign-milter"
strip --strip-unneeded --remove-section=.comment --remove-section=.note "$root/usr/sbin/bouncesign-milter"
gzip -9n < "$repo/man/bouncesign-milter.8" > "$root/usr/share/man/man8/bouncesign-milter.8.gz"
for m in bouncesign.1 bouncecheck.1; do gzip -9n < "$repo/man/$m" > "$root/usr/share/man/man1/$m.gz"; done
gzip -9n < "$repo/man/bouncesign.conf.5" > "$root/usr/share/man/man5/bouncesign.conf.5.gz"
install -m 644 "$repo/examples/bouncesign.conf" "$root/etc/bouncesign.conf"
# examples/ as it is, subdirectories too; scripts 0755, everything else 0644.
cp -R "$repo/examples/." "$doc/examples/"
chmod -R u=rwX,go=rX "$doc/examples"
install -m 644 "$deb/copyright" "$doc/copyright"
gzip -9n < "$deb/changelog" > "$doc/changelog.gz"
if [ -s "$deb/lintian-overrides" ]; then
    install -d -m 755 "$root/usr/share/lintian/overrides"
    install -m 644 "$deb/lintian-overrides" "$root/usr/share/lintian/overrides/bouncesign"
fi
chmod 644 "$doc/changelog.gz" "$root"/usr/share/man/man*/*.gz

# dpkg-shlibdeps wants a debian/control beside it; this one is never shipped.
mkdir -p "$stage/src/debian"
printf 'Source: bouncesign\n\nPackage: bouncesign\nArchitecture: any\n' > "$stage/src/debian/control"
shlibs=$(cd "$stage/src" && dpkg-shlibdeps -O -e"$root/usr/bin/bouncesign" -e"$root/usr/bin/bouncecheck" -e"$root/usr/sbin/bouncesign-milter" 2>/dev/null \
    | sed -n 's/^shlibs:Depends=//p')
[ -n "$shlibs" ] || { echo "make-deb.sh: dpkg-shlibdeps found no dependencies" >&2; exit 1; }

echo /etc/bouncesign.conf > "$root/DEBIAN/conffiles"
size=$(du -sk --exclude=DEBIAN "$root" | cut -f1)
sed -e "s/@VERSION@/$version/" -e "s/@ARCH@/$arch/" -e "s/@SIZE@/$size/" \
    -e "s/@DEPENDS@/$shlibs, $DLOPENED/" "$deb/control" > "$root/DEBIAN/control"
(cd "$root" && find . -path ./DEBIAN -prune -o -type f -print | sed 's:^\./::' | LC_ALL=C sort | xargs md5sum) \
    > "$root/DEBIAN/md5sums"
chmod 644 "$root/DEBIAN/control" "$root/DEBIAN/conffiles" "$root/DEBIAN/md5sums"
find "$root" -exec touch -h -d "@$epoch" {} +

out=$dist/bouncesign_${version}_${arch}.deb
SOURCE_DATE_EPOCH=$epoch dpkg-deb --root-owner-group -Zxz --build "$root" "$out" >/dev/null
rm -rf "$stage"
echo "make-deb.sh: $out ($(du -k "$out" | cut -f1) KiB)"
echo "  Depends: $shlibs, $DLOPENED"

if [ "${LINTIAN:-yes}" != no ]; then
    if command -v lintian >/dev/null; then
        lintian --fail-on warning "$out" || { echo "make-deb.sh: lintian found warnings or errors in $out" >&2; exit 1; }
        echo "make-deb.sh: lintian --fail-on warning: clean"
    else
        echo "make-deb.sh: lintian not installed, not checked (apt-get install lintian)"
    fi
fi
