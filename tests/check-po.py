#!/usr/bin/env python3
"""The translations: po/POTFILES lists every source file with a marked
string (and only files that exist), every catalogue in po/LINGUAS compiles
with msgfmt --check, and the French and German ones translate every message
of the sources as they are now (xgettext over po/POTFILES with the keywords
of meson's glib preset, merged into each catalogue), not only the messages
the catalogue already has."""
import pathlib
import re
import subprocess
import sys
import tempfile

top = pathlib.Path(sys.argv[1])
po = top / "po"
marked = re.compile(r'\b(?:N?_|C_|NC_|g_dngettext|g_dpgettext2|lab_lesson_read_n)\s*\(\s*(?:GETTEXT_PACKAGE\s*,\s*)?"'
                    r'|translatable="yes"')
failures = []

listed = {line.strip() for line in (po / "POTFILES").read_text().splitlines()
          if line.strip() and not line.startswith("#")}
for name in sorted(listed):
    if not (top / name).is_file():
        failures.append(f"po/POTFILES: {name} does not exist")
for folder, patterns in (("src", ("*.c", "*.h")), ("ui", ("*.ui",)), ("data", ("*.in", "*.xml"))):
    for pattern in patterns:
        for path in sorted((top / folder).rglob(pattern)):
            name = path.relative_to(top).as_posix()
            if marked.search(path.read_text(encoding="utf-8")) and name not in listed:
                failures.append(f"po/POTFILES: {name} has translatable strings but is not listed")

languages = (po / "LINGUAS").read_text().split()
if "fr" not in languages or "de" not in languages:
    failures.append(f"po/LINGUAS: expected de and fr, found {languages}")
for lang in languages:
    path = po / f"{lang}.po"
    with tempfile.TemporaryDirectory() as tmp:
        result = subprocess.run(["msgfmt", "--check", "--check-accelerators=_", "--statistics",
                                 "-o", f"{tmp}/{lang}.mo", str(path)],
                                capture_output=True, text=True)
    print(f"{path.name}: {result.stderr.strip()}")
    if result.returncode != 0:
        failures.append(f"{path}: msgfmt --check failed:\n{result.stderr}")
    elif lang in ("fr", "de") and re.search(r"untranslated|fuzzy", result.stderr):
        failures.append(f"{path}: not every message is translated: {result.stderr.strip()}")

# Every message the sources mark, as `meson compile latentlab-update-po`
# would extract it, has a translation in fr and de.
XGETTEXT = ["xgettext", "--from-code=UTF-8", "--add-comments",
            "--keyword=_", "--keyword=N_", "--keyword=C_:1c,2", "--keyword=NC_:1c,2",
            "--keyword=g_dcgettext:2", "--keyword=g_dngettext:2,3", "--keyword=g_dpgettext2:2c,3",
            "--flag=N_:1:pass-c-format", "--flag=C_:2:pass-c-format", "--flag=NC_:2:pass-c-format",
            "--flag=g_dngettext:2:pass-c-format", "--flag=g_strdup_printf:1:c-format",
            "--flag=g_string_printf:2:c-format", "--flag=g_string_append_printf:2:c-format",
            "--flag=g_error_new:3:c-format", "--flag=g_set_error:4:c-format",
            # po/meson.build's own keyword
            "--keyword=lab_lesson_read_n:2,3", "--flag=lab_lesson_read_n:2:c-format"]
with tempfile.TemporaryDirectory() as tmp:
    pot = f"{tmp}/latentlab.pot"
    result = subprocess.run(XGETTEXT + ["--directory", str(top), "--files-from", str(po / "POTFILES"),
                                        "-o", pot], capture_output=True, text=True)
    if result.returncode != 0:
        failures.append(f"xgettext failed:\n{result.stderr}")
    else:
        for lang in ("fr", "de"):
            merged = f"{tmp}/{lang}.po"
            subprocess.run(["msgmerge", "--quiet", "--no-fuzzy-matching", str(po / f"{lang}.po"), pot,
                            "-o", merged], check=True)
            result = subprocess.run(["msgattrib", "--untranslated", "--no-obsolete", merged],
                                    capture_output=True, text=True, check=True)
            missing = re.findall(r'^msgid ((?:".*"\n)+)', result.stdout, re.M)
            missing = ["".join(re.findall(r'"(.*)"', m)) for m in missing]
            missing = [m for m in missing if m]
            print(f"po/{lang}.po against the sources: {len(missing)} messages without a translation")
            for m in missing:
                failures.append(f"po/{lang}.po: no translation of “{m}”")
            result = subprocess.run(["msgfmt", "--statistics", "-o", "/dev/null", merged],
                                    capture_output=True, text=True)
            if "fuzzy" in result.stderr:
                failures.append(f"po/{lang}.po: fuzzy translations against the sources: {result.stderr.strip()}")

for failure in failures:
    print(failure, file=sys.stderr)
sys.exit(1 if failures else 0)
