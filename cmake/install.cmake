# Installation and the Debian package.
#
#   cmake --install build --prefix PREFIX   PREFIX/bin/moyin, PREFIX/lib/moyin/moyin-highlight.so,
#                                           PREFIX/lib/moyin/math-engine.blob (src/math),
#                                           PREFIX/share/moyin/{styles,fonts,math},
#                                           PREFIX/share/man/man1/moyin.1
#   cd build && cpack -G DEB                moyin_<version>_<arch>.deb (installs under /usr)
#
# The installed binary finds share/moyin relative to itself (src/cli/data_dir.h),
# and lib/moyin/moyin-highlight.so (src/highlight/engine.h).

install(TARGETS moyin RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
# The highlighting module (Source-highlight), loaded by the first code block
# that names a language; found relative to the binary (cli/environment.cpp).
install(TARGETS moyin_highlight_engine LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}/moyin)
# Style sheets and what they use (styles/highlight/*.lang for code blocks).
install(DIRECTORY ${PROJECT_SOURCE_DIR}/styles/ DESTINATION ${CMAKE_INSTALL_DATADIR}/moyin/styles)
install(FILES ${PROJECT_SOURCE_DIR}/fonts/fonts.yaml DESTINATION ${CMAKE_INSTALL_DATADIR}/moyin/fonts)
# The math engine (math/engine.js, run by Node.js only for documents with
# formulas) and MathJax when scripts/setup installed it into math/node_modules;
# otherwise `npm ci --prefix PREFIX/share/moyin/math` installs it later.
install(FILES ${PROJECT_SOURCE_DIR}/math/engine.js ${PROJECT_SOURCE_DIR}/math/package.json
              ${PROJECT_SOURCE_DIR}/math/package-lock.json
        DESTINATION ${CMAKE_INSTALL_DATADIR}/moyin/math)
if(EXISTS ${PROJECT_SOURCE_DIR}/math/node_modules)
  install(DIRECTORY ${PROJECT_SOURCE_DIR}/math/node_modules/ DESTINATION ${CMAKE_INSTALL_DATADIR}/moyin/math/node_modules)
endif()
install(FILES ${PROJECT_SOURCE_DIR}/docs/moyin.1 DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
install(FILES ${PROJECT_SOURCE_DIR}/README.md DESTINATION ${CMAKE_INSTALL_DOCDIR})

set(CPACK_PACKAGE_NAME moyin)
set(CPACK_PACKAGE_VENDOR "Moyin")
set(CPACK_PACKAGE_CONTACT "Moyin maintainers <moyin@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
    "Markdown to print-ready PDF and EPUB 3, Chinese typesetting first")
set(CPACK_PACKAGE_DESCRIPTION
    "Moyin (墨印) turns Markdown manuscripts with YAML front matter into print-ready PDF \
and EPUB 3: Han-Latin spacing, punctuation compression, kinsoku line breaking, \
justified CJK text, footnotes, tables and a linked table of contents.")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION text)
# Shared-library dependencies come from dpkg-shlibdeps (dpkg-dev); the fonts
# the shipped fonts/fonts.yaml names are needed to typeset at all.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# libzip (the EPUB's zip), LittleCMS (CMYK and PDF/A colour) and the JPEG,
# WebP and GIF decoders are loaded at run time, not linked, so
# dpkg-shlibdeps does not see them; Source-highlight it finds in the
# highlighting module. ICU is linked statically (MOYIN_STATIC_ICU); without
# that, its i18n library (Chinese numerals), then loaded at run time, comes in
# libicu72 with libicuuc, which is then linked. fontconfig is
# linked statically (MOYIN_STATIC_SMALL_LIBS): its configuration files
# (/etc/fonts) come in fontconfig-config.
set(CPACK_DEBIAN_PACKAGE_DEPENDS "fonts-noto-cjk, fonts-lxgw-wenkai, fonts-wqy-microhei, fonts-dejavu-core, \
libzip4, liblcms2-2, libjpeg62-turbo, libwebp7, libwebpdemux2, libgif7, fontconfig-config")
# Formulas need Node.js (math/engine.js); documents without math never start it.
# librsvg (the SVG raster fallback) and libcurl (--fetch) are loaded at run
# time, not linked, so dpkg-shlibdeps does not see them.
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "nodejs, librsvg2-2, libcairo2, libcurl4")
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "epubcheck, poppler-utils")
include(CPack)
