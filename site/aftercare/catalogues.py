"""The gettext catalogues of the interface (locale/<locale>/LC_MESSAGES/django.po and .mo).

One place knows how they are made and checked; ``manage.py catalogues`` (and ``make messages``)
and the test suite (tests/i18n/) both use it:

- ``update_catalogues()`` extracts every marked string (``makemessages``, which needs GNU gettext's
  xgettext and msgmerge) into the catalogue of each configured language, keeps the files unchanged
  when only their creation date would change, and compiles them;
- ``compile_catalogues()`` writes the .mo files with polib (pure Python: no msgfmt needed), so
  that the committed .mo files are the same whoever compiles them;
- ``problems()`` lists what is wrong: a language without catalogue, a catalogue whose strings differ
  from the code (stale), an empty or fuzzy translation (incomplete), a placeholder missing in a
  translation, a .mo file that does not match its .po (not compiled).

The .mo files are committed: a fresh clone serves every language without GNU gettext installed.
"""

import gettext
import os
import re
import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.test.utils import override_settings
from django.utils.translation import to_locale

DOMAIN = "django"
# Never scanned for strings: environments, build products, and the tests (their strings are not interface).
IGNORED = ["tests", ".venv", "node_modules", "var", "deploy"]
MAKEMESSAGES_OPTIONS = {
    "domain": DOMAIN,
    "ignore_patterns": IGNORED,
    "add_location": "file",  # file names only: moving code does not rewrite every catalogue
    "no_obsolete": True,
    "verbosity": 0,
}
PLACEHOLDER = re.compile(r"%\((\w+)\)[sdifr]|%[sdif]")
CREATION_DATE = re.compile(r'^"POT-Creation-Date: .*\\n"$', re.M)


def locale_dir() -> Path:
    return Path(settings.LOCALE_PATHS[0])


def locales() -> list[str]:
    """Locale names of the configured languages (``zh-hans`` → ``zh_Hans``)."""
    return [to_locale(code) for code, _name in settings.LANGUAGES]


def po_path(locale: str) -> Path:
    return locale_dir() / locale / "LC_MESSAGES" / f"{DOMAIN}.po"


def tools_available() -> bool:
    """makemessages needs GNU gettext (xgettext, msgmerge, msguniq)."""
    return all(shutil.which(tool) for tool in ("xgettext", "msgmerge", "msguniq"))


@contextmanager
def _in_repository():
    previous = Path.cwd()
    os.chdir(settings.BASE_DIR)
    try:
        yield
    finally:
        os.chdir(previous)


def _key(entry) -> tuple[str, str, str]:
    return (entry.msgctxt or "", entry.msgid, entry.msgid_plural or "")


def _polib():
    import polib  # a development tool: requirements/dev.in

    return polib


# --- Making ----------------------------------------------------------------------------------


HEADER_FIXES = (
    ("# SOME DESCRIPTIVE TITLE.\n", "# Interface translations of the After Care Network.\n"),
    ("# Copyright (C) YEAR THE PACKAGE'S COPYRIGHT HOLDER\n", ""),
    ("# This file is distributed under the same license as the PACKAGE package.\n", "# AGPL-3.0-or-later.\n"),
    ("# FIRST AUTHOR <EMAIL@ADDRESS>, YEAR.\n", "# How to translate: locale/README.md\n"),
    ('#, fuzzy\nmsgid ""\nmsgstr ""\n', 'msgid ""\nmsgstr ""\n'),
    ('"Project-Id-Version: PACKAGE VERSION\\n"', '"Project-Id-Version: After Care Network\\n"'),
    ('"PO-Revision-Date: YEAR-MO-DA HO:MI+ZONE\\n"\n', ""),
    ('"Last-Translator: FULL NAME <EMAIL@ADDRESS>\\n"', '"Last-Translator: After Care Network\\n"'),
    ('"Language-Team: LANGUAGE <LL@li.org>\\n"', '"Language-Team: After Care Network\\n"'),
)


def _fix_header(text: str, locale: str) -> str:
    """A new catalogue gets gettext's template header: name the project and the language."""
    for old, new in HEADER_FIXES:
        text = text.replace(old, new, 1)
    return text.replace('"Language: \\n"', f'"Language: {locale}\\n"', 1)


def update_catalogues() -> list[Path]:
    """Extracts the strings into every language's catalogue and compiles them; returns the .po files."""
    before = {locale: po_path(locale).read_text() for locale in locales() if po_path(locale).exists()}
    with _in_repository():
        call_command("makemessages", locale=locales(), **MAKEMESSAGES_OPTIONS)
    for locale in locales():
        new = _fix_header(po_path(locale).read_text(), locale)
        old = before.get(locale)
        if old is not None and CREATION_DATE.sub("", new) == CREATION_DATE.sub("", old):
            new = old  # nothing changed but the date: keep the file as it was
        po_path(locale).write_text(new)
    compile_catalogues()
    return [po_path(locale) for locale in locales()]


def compile_catalogues() -> list[Path]:
    written = []
    for locale in locales():
        if po_path(locale).exists():
            mo_path = po_path(locale).with_suffix(".mo")
            _polib().pofile(str(po_path(locale))).save_as_mofile(str(mo_path))
            written.append(mo_path)
    return written


def extracted_keys() -> set[tuple[str, str, str]]:
    """The strings the code marks today: a fresh extraction into a temporary folder."""
    # makemessages files each source under the first locale path whose parent folder contains it, and puts
    # any folder named "locale" it walks past first: skip ours, so that a
    # temporary folder at the repository root comes first and catches every string.
    options = MAKEMESSAGES_OPTIONS | {"ignore_patterns": [*IGNORED, "locale", ".catalogue-check-*"]}
    with (
        tempfile.TemporaryDirectory(dir=settings.BASE_DIR, prefix=".catalogue-check-") as folder,
        _in_repository(),
        override_settings(LOCALE_PATHS=[folder]),
    ):
        call_command("makemessages", locale=[settings.LANGUAGE_CODE], **options)
        catalogue = _polib().pofile(str(Path(folder) / settings.LANGUAGE_CODE / "LC_MESSAGES" / f"{DOMAIN}.po"))
        return {_key(entry) for entry in catalogue if not entry.obsolete}


# --- Checking ----------------------------------------------------------------------------------


def _placeholders(text: str) -> set[str]:
    return {match.group(0) for match in PLACEHOLDER.finditer(text)}


def _expected_catalog(catalogue) -> dict:
    """What gettext should find in the .mo compiled from ``catalogue``."""
    expected = {}
    for entry in catalogue.translated_entries():
        msgid = f"{entry.msgctxt}\x04{entry.msgid}" if entry.msgctxt else entry.msgid
        if entry.msgid_plural:
            for index, text in entry.msgstr_plural.items():
                expected[(msgid, int(index))] = text
        else:
            expected[msgid] = entry.msgstr
    return expected


def _compiled_catalog(mo_path: Path) -> dict:
    with mo_path.open("rb") as handle:
        catalog = dict(gettext.GNUTranslations(handle)._catalog)
    catalog.pop("", None)  # the header
    return catalog


def catalogue_problems(locale: str, code_keys: set | None = None) -> list[str]:
    """What is wrong with one language's catalogue (an empty list when it is complete and compiled)."""
    path = po_path(locale)
    if not path.exists():
        return [f"{locale}: no catalogue at {path.relative_to(settings.BASE_DIR)}"]
    try:
        catalogue = _polib().pofile(str(path))
    except (OSError, ValueError) as error:
        return [f"{locale}: the catalogue cannot be read: {error}"]
    problems = []
    entries = [entry for entry in catalogue if not entry.obsolete]
    if code_keys is not None:
        keys = {_key(entry) for entry in entries}
        for context, msgid, _plural in sorted(code_keys - keys)[:10]:
            problems.append(f"{locale}: stale, missing the new string {msgid!r}" + (f" ({context})" if context else ""))
        for _context, msgid, _plural in sorted(keys - code_keys)[:10]:
            problems.append(f"{locale}: stale, holds {msgid!r}, which the code no longer uses")
    nplurals = int(re.search(r"nplurals\s*=\s*(\d+)", catalogue.metadata.get("Plural-Forms", "nplurals=0")).group(1))
    if not nplurals:
        problems.append(f"{locale}: the header has no Plural-Forms")
    for entry in entries:
        label = f"{locale}: {entry.msgid[:60]!r}"
        if entry.fuzzy:
            problems.append(f"{label} is marked fuzzy: review the translation and remove the flag")
            continue
        texts = list(entry.msgstr_plural.values()) if entry.msgid_plural else [entry.msgstr]
        if not all(text.strip() for text in texts) or (entry.msgid_plural and len(texts) != nplurals):
            problems.append(
                f"{label} is not translated" + (f" in all {nplurals} plural forms" if entry.msgid_plural else "")
            )
            continue
        wanted = _placeholders(entry.msgid) | _placeholders(entry.msgid_plural or "")
        for text in texts:
            found = _placeholders(text)
            # a plural form may leave out the number (“one result”), never add an unknown name
            if found - wanted or (not entry.msgid_plural and found != wanted):
                problems.append(f"{label} has placeholders {sorted(found)} instead of {sorted(wanted)}")
                break
    mo_path = path.with_suffix(".mo")
    if not mo_path.exists():
        problems.append(f"{locale}: not compiled (no {mo_path.name})")
    else:
        try:
            if _compiled_catalog(mo_path) != _expected_catalog(catalogue):
                problems.append(f"{locale}: {mo_path.name} does not match {path.name}: compile the catalogues")
        except (OSError, ValueError, UnicodeDecodeError) as error:
            problems.append(f"{locale}: {mo_path.name} cannot be read: {error}")
    return problems


def problems(*, check_extraction: bool = True) -> list[str]:
    code_keys = extracted_keys() if check_extraction else None
    found = []
    for locale in locales():
        found += catalogue_problems(locale, code_keys)
    return found
