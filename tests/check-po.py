#!/usr/bin/env python3
"""The translations: po/POTFILES lists every source file with a marked
string (and only files that exist), every catalogue in po/LINGUAS compiles
with msgfmt --check, and the French one translates all its messages."""
import pathlib
import re
import subprocess
import sys
import tempfile

top = pathlib.Path(sys.argv[1])
po = top / "po"
marked = re.compile(r'\b(?:N?_|C_|NC_|g_dngettext|g_dpgettext2)\s*\(\s*(?:GETTEXT_PACKAGE\s*,\s*)?"'
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
    elif lang == "fr" and re.search(r"untranslated|fuzzy", result.stderr):
        failures.append(f"{path}: not every message is translated: {result.stderr.strip()}")

for failure in failures:
    print(failure, file=sys.stderr)
sys.exit(1 if failures else 0)
