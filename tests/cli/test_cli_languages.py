"""The CLI's human output in the pages' six languages (``--lang``, CERTPASS_LANG, the POSIX
locale), with the pages' catalogues; machine output (--json, CSV) the same in every language."""

from __future__ import annotations

import json

import pytest

from certpass.cli import words
from certpass.cli.main import main
from certpass.cli.output import show_error
from certpass.errors import ValidityTooLong
from certpass.recognition import codes
from certpass.web import i18n
from tests.cli.conftest import MISSING, UNSET

NUMBER = "CN-00101"  # IECEE-CB, valid; recognised with conditions in CN on 2025-10-01
RECOGNISE = ("recognise", NUMBER, "--market", "CN", "--date", "2025-10-01")

# Words each command must print, as the catalogues say them (Arabic inside its isolates).
EXPECTED = {
    "ru": {"verify": ["результат проверки: ДЕЙСТВИТЕЛЕН", "Подпись", "Номер есть в реестре."],
           "show": ["Держатель сертификата:", "Действует (Valid)", "История статуса", "Выдан"],
           "recognise": ["Признаётся с условиями", "Условия:", "Представить образец",
                         "[пройдено]", "Применённые соглашения:"]},
    "ar": {"verify": ["نتيجة التحقق", "سارية", "التوقيع"],
           "show": ["حامل الشهادة", "تاريخ الحالة", "صدرت"],
           "recognise": ["معترف بها بشروط", "الشروط", "تقديم عيّنة", "نجح"]},
    "fr": {"verify": ["verdict: VALIDE", "Consultation du registre"],
           "show": ["Titulaire:", "Valide (Valid)", "Historique du statut", "Délivré"],
           "recognise": ["Reconnu sous conditions", "Conditions:", "Fournir un échantillon",
                         "[réussi]"]},
    "es": {"verify": ["veredicto: VÁLIDO", "Firma", "Consulta en el registro"],
           "show": ["Titular:", "Válido (Valid)", "Historial de estado", "Emitido"],
           "recognise": ["Reconocido con condiciones", "Condiciones:", "Presentar una muestra",
                         "[superada]"]},
    "zh": {"verify": ["结论: 有效", "签名", "登记查询"],
           "show": ["持证人:", "有效 (Valid)", "状态历史", "签发"],
           "recognise": ["有条件承认", "条件:", "提交样品", "[通过]"]},
}
COMMANDS = {"verify": ("verify", "--number", NUMBER), "show": ("certificates", "show", NUMBER),
            "recognise": RECOGNISE}


@pytest.mark.parametrize("lang", sorted(EXPECTED))
@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_human_output_speaks_the_language(cli, lang, command):
    result = cli("--lang", lang, *COMMANDS[command])
    assert result.exit_code == 0, result.output
    for expected in EXPECTED[lang][command]:
        assert expected in result.stdout, (expected, result.stdout)
    assert MISSING not in result.output
    english = cli(*COMMANDS[command]).stdout
    assert english != result.stdout


def test_english_keeps_the_register_words(cli):
    out = cli(*RECOGNISE).stdout
    assert "Recognised with conditions / 有条件承认" in out
    assert "sample-required: Submit a sample / 提交样品" in out
    zh = cli("--lang", "zh", *RECOGNISE).stdout
    assert "Recognised with conditions" not in zh and "Submit a sample" not in zh


MACHINE = {
    "verify": ("verify", "--number", NUMBER, "--json"),
    "verify-market": ("verify", "--number", NUMBER, "--market", "NZ", "--on", "2025-10-01",
                      "--json"),
    "show": ("certificates", "show", NUMBER, "--json"),
    "recognise": (*RECOGNISE, "--json"),
    "search": ("search", "find", "kettle", "--limit", "3", "--json"),
    "list": ("certificates", "list", "--limit", "3", "--json"),
    "plan": ("plan", "--hs", "8516.60", "--standard", "IEC 60335-1:2020", "--origin", "CN",
             "--markets", "NZ,HK", "--date", "2025-10-01", "--json"),
    "plan-csv": ("plan", "--hs", "8516.60", "--standard", "IEC 60335-1:2020", "--origin", "CN",
                 "--markets", "NZ,HK", "--date", "2025-10-01", "--csv", "-"),
}


@pytest.mark.parametrize("name", sorted(MACHINE))
def test_machine_output_is_the_same_in_every_language(cli, name):
    english = cli(*MACHINE[name])
    assert english.exit_code == 0, english.output
    if name != "plan-csv":
        json.loads(english.stdout)
    for lang in i18n.LANGUAGES:
        assert cli("--lang", lang, *MACHINE[name]).stdout == english.stdout, lang
    assert cli(*MACHINE[name], env={"LANG": "ar_SA.UTF-8"}).stdout == english.stdout


@pytest.mark.parametrize(("env", "args", "expected"), [
    ({words.ENV: "fr", "LC_ALL": "ru_RU.UTF-8"}, (), "Titulaire"),    # CERTPASS_LANG first
    ({words.ENV: "fr"}, ("--lang", "es"), "Titular"),                 # --lang before it
    ({"LC_ALL": "zh_CN.UTF-8", "LC_MESSAGES": "ru_RU", "LANG": "fr_FR"}, (), "持证人"),
    ({"LC_MESSAGES": "ru_RU.UTF-8", "LANG": "fr_FR.UTF-8"}, (), "Держатель"),
    ({"LANG": "ar_SA.UTF-8"}, (), "حامل الشهادة"),
    ({"LANG": "es_MX"}, ("--lang", "EN"), "holder:"),
    ({"LC_ALL": "C", "LANG": "ru_RU.UTF-8"}, (), "holder:"),          # C decides: English
    ({"LANG": "de_DE.UTF-8"}, (), "holder:"),                         # not spoken: English
    ({}, (), "holder:"),
])
def test_language_choice_precedence(cli, env, args, expected):
    result = cli(*args, "certificates", "show", NUMBER, env=env)
    assert result.exit_code == 0 and expected in result.stdout, result.output


@pytest.mark.parametrize(("environ", "lang"), [
    ({"LC_ALL": "ru_RU.UTF-8"}, "ru"), ({"LANG": "zh_CN"}, "zh"), ({"LANG": "fr_CA.utf8"}, "fr"),
    ({"LANG": "es-ES"}, "es"), ({"LC_MESSAGES": "ar_EG.UTF-8@latin"}, "ar"),
    ({"LANG": "C"}, "en"), ({"LANG": "POSIX"}, "en"), ({"LANG": "C.UTF-8"}, "en"),
    ({"LC_ALL": "", "LANG": "ru_RU"}, "ru"),  # an empty variable is not set
    ({"LC_ALL": "en_GB.UTF-8", "LANG": "ru_RU"}, "en"), ({}, "en"),
])
def test_posix_locale(environ, lang):
    assert words.from_locale(environ) == lang


@pytest.mark.parametrize("env", [{}, {words.ENV: "klingon"}])
def test_unknown_language_is_a_usage_error(cli, env):
    args = () if env else ("--lang", "de")
    result = cli(*args, "certificates", "show", NUMBER, env=env)
    said = " ".join(result.output.replace("│", " ").split())  # Typer's box, unwrapped
    assert result.exit_code == 2
    assert "is not a language certpass speaks; use one of en, zh, ru, ar, fr, es" in said
    assert "Traceback" not in said


def test_unknown_language_through_main(capsys, monkeypatch):
    for name in UNSET:
        monkeypatch.delenv(name, raising=False)
    assert main(["--lang", "xx", "certificates", "show", NUMBER]) == 2
    captured = capsys.readouterr()
    assert "'xx' is not a language certpass speaks" in captured.err
    assert "Traceback" not in captured.err + captured.out


def test_error_lines_carry_the_code_label(demo, capsys, monkeypatch):
    for name in UNSET:
        monkeypatch.delenv(name, raising=False)
    try:
        assert main(["--database", demo.url, "--lang", "ru", "certificates", "show", "NOPE"]) == 1
        captured = capsys.readouterr()
        assert captured.out == ""
        assert "ошибка [not-found]: Не найдено — no certificate numbered 'NOPE'" in captured.err
        assert "Что делать:" in captured.err and "Подробности:" in captured.err
        assert main(["--database", demo.url, "--lang", "ar", "certificates", "show", "NOPE"]) == 1
        err = capsys.readouterr().err
        assert "خطأ" in err and "[not-found]" in err and "غير موجود" in err
        words.use("fr")  # a code with words of its own (err.<code>) uses them
        show_error(ValidityTooLong("valid_until 2099-01-01 is beyond 5 years"))
        err = capsys.readouterr().err
        assert "erreur [validity-too-long]: " + i18n.Translator("fr")("err.validity-too-long") \
            in " ".join(err.split())
        assert "beyond 5 years" in err
    finally:
        words.use(i18n.DEFAULT)


def test_log_verify_summary(cli):
    result = cli("--lang", "ru", "log", "verify")
    assert result.exit_code == 0 and "log verify: в порядке (размер дерева" in result.stdout


def test_plan_in_words(cli):
    args = ("plan", "--hs", "8516.60", "--standard", "IEC 60335-1:2020", "--origin", "CN",
            "--markets", "NZ,HK,AU", "--date", "2025-10-01")
    out = cli("--lang", "es", *args).stdout
    assert "plan para el código SA 8516.60" in out and "[Ensayo]" in out
    assert "mercado no abierto: HK: Fuera del alcance del acuerdo" in out
    assert "un ensayo, varios certificados:" in out and MISSING not in out
    assert "  not opened: HK: outside-scope" in cli(*args).stdout


def test_search_headers_and_narrow_arabic_tables(cli):
    result = cli("--lang", "fr", "search", "find", "kettle", "--limit", "2")
    assert result.exit_code == 0
    assert "Numéro" in result.stdout and "Titulaire" in result.stdout
    assert "certificats correspondent à « kettle »" in result.stdout
    for width in ("30", "80"):  # isolates and RLM are zero-width to Rich: nothing breaks
        result = cli("--lang", "ar", "search", "find", "kettle", "--limit", "2",
                     env={"COLUMNS": width})
        assert result.exit_code == 0 and "حامل الشهادة" in result.stdout
        assert "\u2068" in result.stdout and MISSING not in result.output


def test_every_recognition_code_has_words_in_every_catalogue():
    """The CLI's condition and reason labels: every code of codes.py, in all six catalogues,
    the English and Chinese exactly the register's own (codes.py)."""
    for prefix, table in (("rec.condition", codes.CONDITIONS), ("rec.reason", codes.REASONS)):
        for code, words_of in table.items():
            key = f"{prefix}.{code}"
            for lang in i18n.LANGUAGES:
                assert i18n.catalogue(lang).get(key), (lang, key)
            assert i18n.catalogue("en")[key] == words_of.en
            assert i18n.catalogue("zh")[key] == words_of.zh
