#!/usr/bin/env bash
# deb_test.sh BUILD_DIR SEED.md: `cpack -G DEB` makes a package holding the
# binary, the data and the man page, depending on the Debian runtime libraries
# (dpkg-shlibdeps) and on the fonts the shipped fonts.yaml names; the
# package's files, unpacked anywhere, convert a manuscript.
build=$1
seed=$2
source "$(dirname "$0")/lib.sh"

(cd "$build" && cpack -G DEB -B "$tmp" >/dev/null) || fail "cpack failed"
deb=$(ls "$tmp"/moyin_*.deb 2>/dev/null | head -1)
[[ -n "$deb" ]] || fail "no moyin_*.deb in the cpack output"
files=$(dpkg-deb -c "$deb")
for f in ./usr/bin/moyin ./usr/share/moyin/styles/article.yaml ./usr/share/moyin/fonts/fonts.yaml \
         ./usr/share/moyin/styles/highlight/yaml.lang ./usr/share/man/man1/moyin.1; do
  grep -q " $f\$" <<<"$files" || fail "$f missing from $(basename "$deb")"
done
depends=$(dpkg-deb -f "$deb" Depends)
# Source-highlight comes from the highlighting module; libzip, LittleCMS and
# the JPEG, WebP and GIF decoders are listed by hand (all loaded at run time).
grep -q "/moyin/moyin-highlight.so\$" <<<"$files" || fail "the highlighting module is missing from $(basename "$deb")"
# yaml-cpp, pugixml, gumbo, libuuid, xxHash, libdeflate, cmark-gfm, libhyphen,
# fontconfig and expat are linked statically when their archives are installed
# (MOYIN_STATIC_SMALL_LIBS); fontconfig's configuration is listed by hand.
# ICU (and libstdc++, in the binary) are linked statically when ICU's
# archives are installed (MOYIN_STATIC_ICU); the highlighting module still
# needs libstdc++.
dpkg-deb -x "$deb" "$tmp/root"
needed=(libharfbuzz0b libhpdf fontconfig-config \
        libpng16 libstdc++6 fonts-lxgw-wenkai libsource-highlight libzip4 liblcms2-2 \
        libjpeg62-turbo libwebp7 libwebpdemux2 libgif7)
if readelf -d "$tmp/root/usr/bin/moyin" | grep -q 'NEEDED.*libicuuc'; then
  needed+=(libicu)
fi
for p in "${needed[@]}"; do
  grep -q "$p" <<<"$depends" || fail "Depends lacks $p: $depends"
done
converts_seed "$tmp/root/usr/bin/moyin" "$seed"
echo "deb_test: ok ($(basename "$deb"), $(du -k "$deb" | cut -f1) kB)"
