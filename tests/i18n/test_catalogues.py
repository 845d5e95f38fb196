"""The interface catalogues (locale/): complete, compiled, in step with the code, and used by the site.

``make messages`` regenerates them; these tests fail when a string was added or changed without
regenerating (stale), when a translation is empty or fuzzy (incomplete), when a placeholder is lost,
or when a .mo file does not match its .po (not compiled).
"""

import os
import shutil

from django.conf import settings

import polib
import pytest

from aftercare import catalogues

LOCALES = catalogues.locales()


@pytest.mark.parametrize("locale", LOCALES)
def test_every_catalogue_is_complete_and_compiled(locale):
    assert catalogues.catalogue_problems(locale) == []


def test_the_catalogues_hold_exactly_the_strings_of_the_code():
    if not catalogues.tools_available():
        message = "extracting strings needs GNU gettext: apt-get install gettext"
        if os.environ.get("CI_REQUIRE_GETTEXT") == "1":
            pytest.fail(f"{message} (CI_REQUIRE_GETTEXT=1)")
        pytest.skip(message)
    code = catalogues.extracted_keys()
    assert len(code) > 100
    problems = [problem for locale in LOCALES for problem in catalogues.catalogue_problems(locale, code)]
    assert problems == [], "run `make messages` and translate what it lists (locale/README.md)"


@pytest.fixture
def broken_locale_dir(tmp_path, settings):
    """A copy of the Italian catalogue with one flaw of each kind."""
    source = catalogues.po_path("it").parent
    target = tmp_path / "it" / "LC_MESSAGES"
    shutil.copytree(source, target)
    settings.LOCALE_PATHS = [tmp_path]
    settings.LANGUAGES = [("it", "Italiano")]
    return target / "django.po"


def _edit(path, change):
    catalogue = polib.pofile(str(path))
    change({entry.msgid: entry for entry in catalogue})
    catalogue.save()


def test_the_check_finds_empty_fuzzy_and_broken_translations(broken_locale_dir):
    def change(entries):
        entries["Find a service"].msgstr = ""
        entries["Search"].flags.append("fuzzy")
        entries["Ambito of %(name)s"].msgstr = "Ambito di %(nome)s"

    _edit(broken_locale_dir, change)
    problems = " | ".join(catalogues.catalogue_problems("it"))
    assert "'Find a service' is not translated" in problems
    assert "'Search' is marked fuzzy" in problems
    assert "'Ambito of %(name)s' has placeholders ['%(nome)s']" in problems
    assert "django.mo does not match django.po" in problems


def test_the_check_finds_a_stale_catalogue_and_a_missing_compilation(broken_locale_dir):
    broken_locale_dir.with_suffix(".mo").unlink()
    code = {("", "Find a service", ""), ("", "A string added to the code", "")}
    problems = " | ".join(catalogues.catalogue_problems("it", code))
    assert "stale, missing the new string 'A string added to the code'" in problems
    assert "which the code no longer uses" in problems
    assert "not compiled" in problems


def test_compiling_in_pure_python_fixes_a_stale_mo_file(broken_locale_dir):
    _edit(broken_locale_dir, lambda entries: setattr(entries["Search"], "msgstr", "Trova"))
    assert catalogues.catalogue_problems("it")
    catalogues.compile_catalogues()
    assert catalogues.catalogue_problems("it") == []


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("code", "skip_link"),
    [
        ("it", "Salta al contenuto principale"),
        ("en", "Skip to main content"),
        ("fr", "Aller au contenu principal"),
        ("es", "Saltar al contenido principal"),
        ("ar", "انتقل إلى المحتوى الرئيسي"),
        ("uk", "Перейти до основного вмісту"),
        ("ro", "Salt la conținutul principal"),
        ("sq", "Kalo te përmbajtja kryesore"),
        ("zh-hans", "跳到主要内容"),
    ],
)
def test_each_language_speaks_its_own_words(client, code, skip_link):
    assert {c for c, _ in settings.LANGUAGES} >= {code}
    page = client.get(f"/{code}/accessibility/").content.decode()
    assert f'<a class="skip-link" href="#main">{skip_link}</a>' in page


@pytest.mark.django_db
def test_api_messages_follow_the_language_asked_for(client):
    italian = client.get("/api/search/", {"lat": "north", "lon": "9"}, HTTP_ACCEPT_LANGUAGE="it").json()
    assert italian["errors"]["lat"] == [
        "Coordinate non valide: indica lat e lon in gradi decimali, per esempio lat=45.85&lon=9.39."
    ]
    arabic = client.get("/api/search/", {"page": "0", "lang": "ar"}).json()
    assert arabic["errors"]["page"] == ["يجب أن تكون «page» عددًا صحيحًا يبدأ من 1."]
