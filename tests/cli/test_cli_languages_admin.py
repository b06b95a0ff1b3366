"""The operators' commands in the reader's language: users, tokens, keys, trust, alerts,
backup and restore, import, arrangements, bodies, search rebuild, init, serve, worker and the
stale-bundle warning. Each prints the catalogues' words (English: its own words, as before),
never a missing key; --json and the files written are the same in every language."""

from __future__ import annotations

import datetime as dt
import json
import signal
from pathlib import Path

import pytest
from sqlalchemy import select

from certpass.accounts.models import User
from certpass.alerts.models import Subscription
from certpass.cli import main as cli_main
from certpass.cli import output, words
from certpass.web import i18n
from tests.cli.conftest import MISSING

LANGS = ("en", "ru", "ar", "es")
PASSWORD = "a-long-password-for-tests-1\n"
UNTIL = (dt.date.today() + dt.timedelta(days=30)).isoformat()  # a back-dating grant's end


@pytest.fixture(autouse=True)
def wide(monkeypatch):
    """Tables as wide as they need (no header wrapped over two lines)."""
    monkeypatch.setattr(output.out, "_width", 250)


def said(result) -> str:
    """What a command printed, stdout and stderr, checked for words and missing keys."""
    text = result.stdout + result.stderr
    assert MISSING not in text, text
    return text


def expect(result, fragments: list[str], code: int = 0) -> str:
    text = said(result)
    assert result.exit_code == code, (result.exit_code, text, result.exception)
    for fragment in fragments:
        assert fragment in text, (fragment, text)
    return text


def same_json_everywhere(cli, *args: str) -> None:
    english = cli(*args, "--json")
    assert english.exit_code == 0, english.output
    json.loads(english.stdout)
    for lang in i18n.LANGUAGES:
        assert cli("--lang", lang, *args, "--json").stdout == english.stdout, lang


USERS = {
    "en": {"add": ["added op-en (certification-body, cqc)"],
           "list": ["username", "back-dating until", "certification-body", "False"],
           "disable": ["disabled op-en"], "disabled": ["True"], "enable": ["enabled op-en"],
           "password": ["password of op-en set; their sessions have ended"],
           "grant": [f"op-en may record back-dated certificates until {UNTIL}"],
           "revoke-grant": ["op-en may no longer record back-dated certificates"],
           "token": ["key id ", ", write, expires ", "this is the only time the token is shown"],
           "tokens": ["tokens of op-en", "key id", "write", "active"],
           "revoke": ["revoked "], "revoked": ["revoked"]},
    "ru": {"add": ["пользователь op-ru добавлен (Орган по сертификации, cqc)"],
           "list": ["Пользователи", "Имя пользователя", "Состояние", "Орган по сертификации",
                    "активен", "Запись задним числом разрешена до"],
           "disable": ["пользователь op-ru отключён"], "disabled": ["отключён"],
           "enable": ["пользователь op-ru включён"],
           "password": ["пароль пользователя op-ru установлен; его сеансы завершены"],
           "grant": [f"op-ru может вносить сертификаты задним числом до {UNTIL}"],
           "revoke-grant": ["op-ru больше не может вносить сертификаты задним числом"],
           "token": ["идентификатор ", "Чтение и запись", "токен показывается только сейчас"],
           "tokens": ["токены пользователя op-ru", "Идентификатор", "Права", "Истекает",
                      "Чтение и запись", "Действует"],
           "revoke": ["отозван"], "revoked": ["Отозван"]},
    "ar": {"add": ["أُضيف المستخدم", "جهة منح الشهادات"],
           "list": ["المستخدمون", "اسم المستخدم", "الحالة", "نشط", "التسجيل بتاريخ سابق"],
           "disable": ["عُطّل المستخدم"], "disabled": ["معطّل"], "enable": ["فُعّل المستخدم"],
           "password": ["عُيّنت كلمة مرور المستخدم", "وانتهت جلساته"],
           "grant": ["يجوز للمستخدم", "تسجيل شهادات بتاريخ سابق حتى"],
           "revoke-grant": ["لم يعد يجوز للمستخدم"],
           "token": ["معرّف المفتاح", "قراءة وكتابة", "هذه هي المرة الوحيدة التي يُعرض فيها"],
           "tokens": ["رموز المستخدم", "معرّف المفتاح", "النطاق", "ينتهي في", "نشط"],
           "revoke": ["أُلغي الرمز"], "revoked": ["ملغى"]},
    "es": {"add": ["usuario op-es añadido (Organismo de certificación, cqc)"],
           "list": ["Usuarios", "Nombre de usuario", "Estado", "activo"],
           "disable": ["usuario op-es desactivado"], "disabled": ["desactivado"],
           "enable": ["usuario op-es activado"],
           "password": ["contraseña de op-es establecida; sus sesiones se cerraron"],
           "grant": [f"op-es puede registrar certificados con fecha anterior hasta el {UNTIL}"],
           "revoke-grant": ["op-es ya no puede registrar certificados con fecha anterior"],
           "token": ["identificador ", "Lectura y escritura", "es la única vez que se muestra"],
           "tokens": ["tokens de op-es", "Identificador", "Alcance", "Caduca", "Activo"],
           "revoke": ["token ", " revocado"], "revoked": ["Revocado"]},
}


@pytest.mark.parametrize("lang", LANGS)
def test_users_and_tokens(cli, lang):
    words_of, user = USERS[lang], f"op-{lang}"

    def run(step: str, *args: str, input: str | None = None) -> str:
        return expect(cli("--lang", lang, *args, input=input), words_of[step])

    run("add", "users", "add", user, "--role", "certification-body", "--body", "cqc",
        "--password-stdin", input=PASSWORD)
    run("list", "users", "list")
    run("disable", "users", "disable", user)
    run("disabled", "users", "list")
    run("enable", "users", "enable", user)
    run("password", "users", "set-password", user, "--password-stdin", input=PASSWORD)
    run("grant", "users", "grant-backdating", user, "--until", UNTIL)
    run("revoke-grant", "users", "revoke-backdating", user)
    made = cli("--lang", lang, "tokens", "create", user, "--scope", "write", "--name", "erp")
    expect(made, words_of["token"])
    assert made.stdout.strip().count("\n") == 0 and "erp" not in made.stdout  # the token alone
    run("tokens", "tokens", "list", user)
    key_id = json.loads(cli("tokens", "list", user, "--json").stdout)[0]["key_id"]
    assert key_id in run("revoke", "tokens", "revoke", key_id)
    run("revoked", "tokens", "list", user)
    same_json_everywhere(cli, "users", "list")
    same_json_everywhere(cli, "tokens", "list", user)


def test_the_password_prompts_speak_the_language(cli):
    result = cli("--lang", "ru", "users", "set-password", "cqc", input=PASSWORD * 2)
    expect(result, ["Пароль:", "Повторите для подтверждения:"])
    result = cli("users", "set-password", "cqc", input=PASSWORD * 2)
    expect(result, ["password:", "Repeat for confirmation:"])


KEYS = {
    "en": ["signing keys of cqc", "id", "created", "retired", "compromised", "new key ",
           "(compromised at ", "signing keys of the platform"],
    "ru": ["ключи подписи: cqc", "Идентификатор", "Создан", "выведен из употребления",
           "скомпрометирован", "новый ключ ", "(скомпрометирован с ", "ключи подписи: платформа"],
    "ar": ["مفاتيح التوقيع", "المعرّف", "أُنشئ في", "أُوقف استخدامه", "مُخترق منذ", "مفتاح جديد",
           "أُبطل المفتاح", "المنصة"],
    "es": ["claves de firma de cqc", "Identificador", "Creado", "retirada del uso",
           "comprometida desde", "clave nueva ", "revocada (comprometida desde ",
           "claves de firma de la plataforma"],
}


@pytest.mark.parametrize("lang", LANGS)
def test_keys(cli, lang):
    headers, rotated, revoked, platform = KEYS[lang][:5], KEYS[lang][5], KEYS[lang][6], \
        KEYS[lang][7]
    expect(cli("--lang", lang, "keys", "rotate", "cqc"), [rotated])
    expect(cli("--lang", lang, "keys", "list", "cqc"), headers)
    newest = json.loads(cli("keys", "list", "cqc", "--json").stdout)[-1]
    text = expect(cli("--lang", lang, "keys", "revoke", "cqc", newest["id"].split("#")[-1],
                      "--compromised-at", newest["created"]), [revoked, rotated])
    assert newest["id"] in text
    expect(cli("--lang", lang, "keys", "list"), [platform])
    same_json_everywhere(cli, "keys", "list", "cqc")


TRUST = {
    "en": ["wrote ", " bodies, ", " accreditations, ", " status lists)",
           "every accreditation body already has a key"],
    "ru": ["записан ", "органов: ", "аккредитаций: ", "списков статусов: ",
           "у каждого органа по аккредитации уже есть ключ"],
    "ar": ["كُتب الملف", "الجهات: ", "الاعتمادات: ", "قوائم الحالة: ",
           "لكل جهة اعتماد مفتاح بالفعل"],
    "es": ["escrito ", "organismos: ", "acreditaciones: ", "listas de estado: ",
           "cada organismo de acreditación ya tiene una clave"],
}


def _bundle(path: Path) -> dict:
    """A written trust bundle without what each export signs anew (its time, status lists)."""
    bundle = json.loads(path.read_text(encoding="utf-8"))
    return {k: v for k, v in bundle.items() if k not in ("created", "status_lists")} | {
        "status_lists": len(bundle["status_lists"])}


def test_trust_export_and_prepare(cli, tmp_path):
    assert cli("trust", "prepare").exit_code == 0  # the demo's bodies may get keys here
    english = tmp_path / "en.json"
    for lang in LANGS:
        path = tmp_path / f"{lang}.json"
        expect(cli("--lang", lang, "trust", "export", "-o", str(path)), TRUST[lang][:4])
        expect(cli("--lang", lang, "trust", "prepare"), TRUST[lang][4:])
        assert _bundle(path) == _bundle(english), lang


ALERTS = {
    "en": {"list": ["subscriptions", "watches", "url", "failures", "last error", "paused",
                    "certificate CN-00101", "HTTP 500"],
           "deliver": ["0 sent, 0 delivered, 0 failed, 0 paused"], "resume": ["resumed sub_"]},
    "ru": {"list": ["Список наблюдения", "Что отслеживать", "Адрес webhook",
                    "неудачи подряд", "последняя ошибка", "Приостановлено (доставка не удалась)",
                    "Сертификат CN-00101"],
           "deliver": ["отправлено: 0, доставлено: 0, не доставлено: 0, "
                       "приостановлено наблюдений: 0"],
           "resume": ["доставка по sub_"]},
    "ar": {"list": ["قائمة المتابعة", "عنوان webhook", "مرات الإخفاق المتتالية", "آخر خطأ",
                    "متوقف مؤقتًا", "شهادة"],
           "deliver": ["المرسلة", "المسلّمة", "الفاشلة", "المتابعات الموقوفة مؤقتًا"],
           "resume": ["استُؤنف الإرسال للمتابعة"]},
    "es": {"list": ["Lista de seguimiento", "URL del webhook", "fallos seguidos", "último error",
                    "En pausa (envíos fallidos)", "Un certificado CN-00101"],
           "deliver": ["enviadas: 0, entregadas: 0, fallidas: 0, seguimientos en pausa: 0"],
           "resume": ["envíos reanudados para sub_"]},
}


def _paused_subscription(demo, lang: str) -> str:
    """A paused watch of CN-00101 belonging to the demo's admin (no URL is looked up)."""
    with demo.write() as session:
        admin = session.scalar(select(User).where(User.username == "admin"))
        assert admin is not None
        session.add(Subscription(id=f"sub_{lang}", user_id=admin.id, target_kind="certificate",
                                 target="CN-00101", target_issuer="",
                                 url="https://hooks.example.org/certpass", secret="whsec_test",
                                 state="paused", consecutive_failures=5, last_error="HTTP 500"))
    return f"sub_{lang}"


@pytest.mark.parametrize("lang", LANGS)
def test_alerts(cli, demo, lang):
    expected = ALERTS[lang]
    subscription = _paused_subscription(demo, lang)
    expect(cli("--lang", lang, "alerts", "list"), expected["list"])
    same_json_everywhere(cli, "alerts", "list")
    expect(cli("--lang", lang, "alerts", "deliver", "--once"), expected["deliver"])
    assert subscription in expect(cli("--lang", lang, "alerts", "resume", subscription),
                                  expected["resume"])


BACKUP = {
    "en": ["backup written to ", " bytes)", "; run `certpass log verify` to check the log"],
    "ru": ["резервная копия записана в ", "(байт: ", "восстановлено из ",
           "проверьте журнал командой `certpass log verify`"],
    "ar": ["كُتبت النسخة الاحتياطية في", "الحجم بالبايت", "استُعيدت النسخة الاحتياطية",
           "للتحقق من السجل"],
    "es": ["copia de seguridad escrita en ", "(bytes: ", "copia ", " restaurada; ejecute "],
}


@pytest.mark.parametrize("lang", LANGS)
def test_backup_and_restore(cli, tmp_path, lang):
    file = tmp_path / "demo.backup"
    written = cli("--lang", lang, "backup", str(file))
    restored = cli("--lang", lang, "--database", f"sqlite:///{tmp_path / 'restored.db'}",
                   "restore", str(file))
    assert restored.exit_code == 0, restored.output
    expect(written, [])
    assert all(f in said(written) + said(restored) for f in BACKUP[lang]), BACKUP[lang]


IMPORT = {
    "en": ["0 imported, 1 already present, 2 rows failed (of 3)", "rows not imported", "row",
           "field", "reason", "holder_economy", "unknown economy 'XX'", "holder_name"],
    "ru": ["импортировано: 0, уже есть: 1, не импортировано строк: 2 (всего 3)",
           "Неимпортированные строки", "Строка", "Поле", "Причина", "Экономика держателя",
           "Указано то, чего нет в реестре", "— unknown economy 'XX'", "Держатель сертификата",
           "Слишком короткое или пустое значение."],
    "ar": ["استُورد: ", "موجود مسبقًا: ", "صفوف لم تُستورد: ", "الصفوف التي لم تُستورد", "الصف",
           "الحقل", "السبب", "اقتصاد حامل الشهادة", "يشير إلى ما لا يعرفه السجل",
           "— unknown economy 'XX'"],
    "es": ["importados: 0, ya presentes: 1, filas fallidas: 2 (de 3)", "Filas no importadas",
           "Fila", "Campo", "Motivo", "Economía del titular",
           "Menciona algo que el registro no conoce", "— unknown economy 'XX'", "Titular"],
}
BATCH = (
    "number,scheme,issuer,holder_name,holder_economy,product_name,models,standards,"
    "category,issued_on\n"
    "LANG-1,CCC,cqc,Example Co.,CN,Kettle,K1,GB 4706.1-2005,HOUS,2024-03-01\n"
    "LANG-2,CCC,cqc,Example Co.,XX,Kettle,K1,GB 4706.1-2005,HOUS,2024-03-01\n"
    "LANG-3,CCC,cqc,,CN,Kettle,K1,GB 4706.1-2005,HOUS,2024-03-01\n")


def test_import_report(cli, tmp_path):
    path = tmp_path / "batch.csv"
    path.write_text(BATCH, encoding="utf-8")
    first = cli("import", str(path), "--json")
    assert first.exit_code == 1 and json.loads(first.stdout)["failed"] == 2, first.output
    for lang in LANGS:
        expect(cli("--lang", lang, "import", str(path)), IMPORT[lang], code=1)
    same = cli("import", str(path), "--json").stdout
    for lang in i18n.LANGUAGES:
        assert cli("--lang", lang, "import", str(path), "--json").stdout == same, lang


ARRANGEMENTS = {
    "en": {"list": [" arrangements", "id", "kind", "status", "markets", "version",
                    "bilateral-mra", "in-force"],
           "show": ["v1 in-force: China–New Zealand", " / ", "v1 recorded ", " by "],
           "record": ["recorded test-en v1"], "amend": ["amended test-en to v2"],
           "status": ["test-en is suspended (v3)"]},
    "ru": {"list": ["соглашений: ", "Идентификатор", "Вид", "Статус", "Рынки", "Версия",
                    "Двустороннее соглашение о взаимном признании", "Действует"],
           "show": ["v1 Действует: China–New Zealand", "v1 зарегистрировано ", ", кем: "],
           "record": ["соглашение test-ru зарегистрировано, версия v1"],
           "amend": ["соглашение test-ru изменено, версия v2"],
           "status": ["статус соглашения test-ru: Приостановлено (v3)"]},
    "ar": {"list": ["عدد الترتيبات: ", "المعرّف", "النوع", "الحالة", "الأسواق", "النسخة",
                    "ترتيب ثنائي للاعتراف المتبادل", "نافذ"],
           "show": ["نافذ", "China–New Zealand", "النسخة v", "سُجّل", "بتاريخ", "بواسطة"],
           "record": ["سُجّل الترتيب", "بالنسخة v"], "amend": ["عُدّل الترتيب", "إلى النسخة v"],
           "status": ["حالة الترتيب", "معلّق"]},
    "es": {"list": ["acuerdos: ", "Identificador", "Tipo", "Estado", "Mercados", "Versión",
                    "Acuerdo bilateral de reconocimiento mutuo", "En vigor"],
           "show": ["v1 En vigor: China–New Zealand", "v1 registrado el ", " por "],
           "record": ["acuerdo test-es registrado, versión v1"],
           "amend": ["acuerdo test-es modificado, versión v2"],
           "status": ["estado del acuerdo test-es: Suspendido (v3)"]},
}
MRA = "cn-nz-eee-mra"


@pytest.mark.parametrize("lang", LANGS)
def test_arrangements(cli, tmp_path, lang):
    expected = ARRANGEMENTS[lang]
    expect(cli("--lang", lang, "arrangements", "list"), expected["list"])
    shown = expect(cli("--lang", lang, "arrangements", "show", MRA), expected["show"])
    assert (" / " in shown) == (lang == "en")  # both register names in English only
    same_json_everywhere(cli, "arrangements", "list")
    same_json_everywhere(cli, "arrangements", "show", MRA)
    rules = json.loads(cli("arrangements", "show", MRA, "--json").stdout)["rules"]
    new, amended = tmp_path / "new.json", tmp_path / "amended.json"
    new.write_text(json.dumps(rules | {"id": f"test-{lang}"}), encoding="utf-8")
    amended.write_text(json.dumps(rules | {"id": f"test-{lang}", "title_en": "Amended"}),
                       encoding="utf-8")
    expect(cli("--lang", lang, "arrangements", "record", str(new)), expected["record"])
    expect(cli("--lang", lang, "arrangements", "amend", f"test-{lang}", str(amended),
               "--reason", "a test"), expected["amend"])
    expect(cli("--lang", lang, "arrangements", "status", f"test-{lang}", "suspended",
               "--reason", "a test", "--date", dt.date.today().isoformat()), expected["status"])


BODIES = {"en": [" bodies", "id", "name", "名称", "economy", "roles", "testing-lab"],
          "ru": ["органов: ", "Идентификатор", "Наименование", "Экономика", "Роли",
                 "Испытательная лаборатория"],
          "ar": ["عدد الجهات: ", "المعرّف", "الاسم", "الاقتصاد", "الأدوار", "مختبر اختبار"],
          "es": ["organismos: ", "Identificador", "Nombre", "Economía", "Funciones",
                 "Laboratorio de ensayo"]}
REBUILT = {"en": "search index rebuilt: ", "ru": "поисковый индекс перестроен, сертификатов: ",
           "ar": "أُعيد بناء فهرس البحث، عدد الشهادات: ",
           "es": "índice de búsqueda reconstruido: "}


def test_bodies_and_search_rebuild(cli):
    for lang in LANGS:
        expect(cli("--lang", lang, "bodies", "--economy", "CN"), BODIES[lang])
    same_json_everywhere(cli, "bodies", "--economy", "CN")
    for lang in ("en", "ar"):
        expect(cli("--lang", lang, "search", "rebuild"), [REBUILT[lang]])


STALE = {
    "en": ["warning:", "the trust bundle is ", "export a fresh bundle"],
    "ru": ["предупреждение:", "пакету доверия ", "экспортируйте свежий пакет"],
    "ar": ["تحذير", "عمر حزمة الثقة بالساعات", "صدّر حزمة حديثة"],
    "es": ["advertencia:", "el paquete de confianza tiene ", "exporte un paquete nuevo"],
}


def test_the_stale_bundle_warning(cli, tmp_path):
    bundle = tmp_path / "bundle.json"
    assert cli("trust", "export", "-o", str(bundle)).exit_code == 0
    old = {"CERTPASS_BUNDLE_MAX_AGE_HOURS": "0.000001"}
    args = ("verify", "--trust", str(bundle), "--number", "CN-00101")
    for lang in LANGS:
        result = cli("--lang", lang, *args, env=old)
        assert result.exit_code in (1, 3)
        for fragment in STALE[lang]:
            assert fragment in said(result) and fragment not in result.stdout, fragment
    english = cli(*args, "--json", env=old).stdout
    assert json.loads(english)["warning"].startswith("the trust bundle is ")
    for lang in i18n.LANGUAGES:
        assert cli("--lang", lang, *args, "--json", env=old).stdout == english, lang


INIT = {
    "en": ["schema up to date on sqlite:///", "warning: did:web identifiers",
           "; `serve` refuses this beyond loopback (set CERTPASS_BASE_URL"],
    "ru": ["схема базы данных актуальна: sqlite:///", "предупреждение: did:web identifiers",
           "; `serve` откажется так работать"],
    "ar": ["مخطط قاعدة البيانات محدَّث", "تحذير", "المشكلة: ", "did:web identifiers",
           "يرفض `serve` ذلك خارج واجهة الاسترجاع المحلية"],
    "es": ["esquema al día en sqlite:///", "advertencia: did:web identifiers",
           "; `serve` lo rechaza fuera de la interfaz de bucle local"],
}
SERVE = {
    "en": ["warning: did:web identifiers", "(fine for a local demo)",
           "warning: the verify rate limit counts in each of the 2 processes (each client gets "
           "2× the budget)"],
    "ru": ["предупреждение: did:web identifiers",
           "предупреждение: лимит запросов проверки считается в каждом из процессов (2)"],
    "ar": ["تحذير", "حدّ معدل طلبات التحقق يُحسب في كل عملية"],
    "es": ["advertencia: did:web identifiers",
           "advertencia: el límite de frecuencia de verificación se cuenta en cada uno de los 2 "
           "procesos"],
}
WORKER = {
    "en": ["worker running: certpass-checkpoints on sqlite:///", "worker stopped"],
    "ru": ["фоновый обработчик запущен: certpass-checkpoints, база sqlite:///",
           "фоновый обработчик остановлен"],
    "ar": ["عملية الخلفية تعمل", "توقفت عملية الخلفية"],
    "es": ["proceso de tareas en marcha: certpass-checkpoints en sqlite:///",
           "proceso de tareas detenido"],
}
LOCAL = {"CERTPASS_BASE_URL": None, "CERTPASS_DID_WEB_HOST": None}  # the did:web warning


@pytest.mark.parametrize("lang", LANGS)
def test_init(cli, sqlite_template, tmp_path, lang):
    fresh = tmp_path / "fresh.db"
    fresh.write_bytes(sqlite_template.read_bytes())
    expect(cli("--lang", lang, "--database", f"sqlite:///{fresh}", "init", env=LOCAL),
           INIT[lang])


@pytest.mark.parametrize("lang", LANGS)
def test_serve_warnings(cli, monkeypatch, demo, lang):
    from certpass.web import workers

    monkeypatch.setenv("CERTPASS_DATABASE_URL", demo.url)  # serve sets it for its workers
    monkeypatch.setattr(workers, "supervise", lambda host, port, n: 0)
    expect(cli("--lang", lang, "serve", "--workers", "2", env=LOCAL), SERVE[lang])


class _Job:
    """A background job that stops the worker as soon as it starts (as SIGTERM would)."""

    name = "certpass-checkpoints"

    def __init__(self, handlers: dict) -> None:
        self.handlers = handlers

    def start(self) -> None:
        self.handlers[signal.SIGTERM]()

    def stop(self) -> None:
        pass


@pytest.mark.parametrize("lang", LANGS)
def test_worker(cli, monkeypatch, lang):
    from certpass.web import app

    handlers: dict = {}
    monkeypatch.setattr(signal, "signal", lambda signum, handler: handlers.update({
        signum: handler}))
    monkeypatch.setattr(app, "background_jobs", lambda db, settings, every_job: [_Job(handlers)])
    expect(cli("--lang", lang, "worker"), WORKER[lang])


SECRET = {"en": ["secret_key: ", "(owner-only; keep it with the database)", "warning: ",
                 "already exists with the default secret_key; not writing a new secret for it"],
          "ru": ["secret_key: ", "(доступен только владельцу; храните его вместе с базой данных)",
                 "предупреждение: ", "уже существует с secret_key по умолчанию"],
          "ar": ["ملف secret_key", "للمالك وحده", "تحذير", "موجود مسبقًا بقيمة secret_key"],
          "es": ["secret_key: ", "(solo para el propietario; guárdelo con la base de datos)",
                 "advertencia: ", "ya existe con la secret_key predeterminada"]}


@pytest.mark.parametrize("lang", LANGS)
def test_the_demo_secret_lines(tmp_path, capsys, lang):
    """``init --demo`` gives a new SQLite database a secret, and warns for an existing one."""
    existing = tmp_path / "existing.db"
    existing.write_bytes(b"data")
    words.use(lang)
    try:
        cli_main._give_demo_a_secret(f"sqlite:///{tmp_path / 'new.db'}")
        cli_main._give_demo_a_secret(f"sqlite:///{existing}")
    finally:
        words.use(i18n.DEFAULT)
    err = capsys.readouterr().err
    assert (tmp_path / "new.db.secret").exists() and not (tmp_path / "existing.db.secret").exists()
    assert MISSING not in err and all(f in err for f in SECRET[lang]), err


@pytest.mark.parametrize(("lang", "expected"), [
    ("en", "2 economies, 1 planning estimates, 3 log entries, 4 unlisted"),
    ("ru", "экономики: 2, плановые оценки: 1, записи журнала: 3, unlisted: 4"),
    ("es", "economías: 2, estimaciones de planificación: 1, entradas del registro: 3, "
           "unlisted: 4"),
])
def test_figures(lang, expected):
    words.use(lang)
    try:
        counted = words.figures({"economies": 2, "planning estimates": 1, "log entries": 3,
                                 "unlisted": 4})
    finally:
        words.use(i18n.DEFAULT)
    assert counted == expected
