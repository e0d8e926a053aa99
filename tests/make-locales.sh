#!/bin/sh
# Compiles the locales the locale tests run in (fr_FR.UTF-8, de_DE.UTF-8)
# into OUTDIR, for LOCPATH, with localedef from the Debian package locales
# (its sources under /usr/share/i18n): the tests need no locale installed
# system-wide. Writes OUTDIR/stamp; a locale that cannot be compiled is
# missing there, and the test that needs it fails saying so.
# Usage: make-locales.sh OUTDIR
set -u
out=$1
mkdir -p "$out"
for l in fr_FR de_DE; do
  if [ ! -f "$out/$l.utf8/LC_NUMERIC" ]; then
    localedef -i "$l" -f UTF-8 "$out/$l.utf8" >"$out/$l.log" 2>&1 ||
      echo "make-locales.sh: localedef could not compile $l.UTF-8 (see $out/$l.log)" >&2
  fi
done
touch "$out/stamp"
