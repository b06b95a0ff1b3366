"""Settings: one table, secrets that are never public, credentials never shown."""

from __future__ import annotations

import os
import stat

import pytest

from certpass.config import (
    DEFAULT_SECRET_KEY,
    MASK,
    Settings,
    mask_userinfo,
    read_secret_file,
    secret_weakness,
    write_secret_file,
)
from certpass.errors import InvalidSetting, WeakSecret
from tests.conftest import cli_runner

STRONG = "Zq3v9K_pX2mW8rT1yB6nL4cH7dF0sJ5gA-eU"  # 36 characters, ~180 bits


def test_values_come_from_the_environment_and_overrides():
    s = Settings.load(environ={"CERTPASS_MAX_PAGE_SIZE": "20", "CERTPASS_WARM_CACHES": "off",
                               "CERTPASS_CHECKPOINT_EVERY_SECONDS": "2.5"},
                      base_url="https://certs.example")
    assert (s.max_page_size, s.warm_caches, s.checkpoint_every_seconds) == (20, False, 2.5)
    assert s.base_url == "https://certs.example" and s.did_host == "certs.example"
    with pytest.raises(InvalidSetting) as bad:
        Settings.load(environ={"CERTPASS_MAX_PAGE_SIZE": "many"})
    assert "CERTPASS_MAX_PAGE_SIZE" in bad.value.hint
    with pytest.raises(InvalidSetting):
        Settings.load(environ={"CERTPASS_WARM_CACHES": "perhaps"})


@pytest.mark.parametrize("secret, why", [
    (DEFAULT_SECRET_KEY, "default"),
    ("test-secret-key-0123456789", "characters"),
    ("a" * 64, "low-entropy"),
    ("ab" * 32, "low-entropy"),
])
def test_weak_secrets_are_named(secret, why):
    assert why in secret_weakness(secret)


def test_a_random_secret_is_strong():
    assert secret_weakness(STRONG) is None
    import secrets
    assert secret_weakness(secrets.token_urlsafe(32)) is None


@pytest.mark.parametrize("host, base_url", [
    ("0.0.0.0", "http://127.0.0.1:8000"),        # listens on every interface
    ("127.0.0.1", "https://certs.example"),      # behind a proxy, public URL
    ("192.168.1.5", "http://localhost:8000"),
])
def test_serving_beyond_this_machine_needs_a_strong_secret(host, base_url):
    for weak in (DEFAULT_SECRET_KEY, "short", "x" * 40):
        settings = Settings.load(environ={}, secret_key=weak, base_url=base_url)
        with pytest.raises(WeakSecret) as refused:
            settings.check_secret_for_serving(host)
        assert "CERTPASS_SECRET_KEY" in refused.value.hint
    Settings.load(environ={}, secret_key=STRONG, base_url=base_url).check_secret_for_serving(host)


@pytest.mark.parametrize("host, base_url", [
    ("127.0.0.1", "http://127.0.0.1:8000"), ("localhost", "http://localhost:8000"),
    ("::1", "http://[::1]:8000"),
])
def test_a_local_deployment_may_keep_the_default(host, base_url):
    Settings.load(environ={}, base_url=base_url).check_secret_for_serving(host)


def test_serve_refuses_with_a_clear_message(sqlite_db, capsys, monkeypatch):
    monkeypatch.delenv("CERTPASS_SECRET_KEY", raising=False)
    monkeypatch.delenv("CERTPASS_BASE_URL", raising=False)
    cli = cli_runner(sqlite_db, capsys)
    code, _, err = cli("serve", "--host", "0.0.0.0", "--port", "1")
    assert code == 1 and "weak-secret" in err and "default secret_key" in err
    assert "hint: set CERTPASS_SECRET_KEY" in err
    monkeypatch.setenv("CERTPASS_SECRET_KEY", "hunter2")
    code, _, err = cli("serve", "--host", "0.0.0.0", "--port", "1")
    assert code == 1 and "7 characters" in err


def test_urls_lose_their_password():
    assert mask_userinfo("postgresql://app:s3cret@db.example:5432/certpass") == (
        f"postgresql://app:{MASK}@db.example:5432/certpass")
    assert mask_userinfo("postgresql://app@db/certpass") == "postgresql://app@db/certpass"
    assert mask_userinfo("sqlite:///certpass.db") == "sqlite:///certpass.db"
    assert mask_userinfo(12) == 12


def test_described_settings_hide_secrets_and_credentials():
    s = Settings.load(environ={}, secret_key=STRONG,
                      database_url="postgresql://app:s3cret@db.example/certpass")
    for administrator in (False, True):
        text = repr(s.describe(administrator=administrator))
        assert STRONG not in text and "s3cret" not in text
    public = {r["name"]: r for r in s.describe()}
    assert public["database_url"]["value"] is None
    assert public["database_url"]["visible_to"] == "administrators"
    assert public["secret_key"]["value"] == MASK and public["secret_key"]["default"] == MASK
    assert public["max_page_size"]["value"] == 500
    admin = {r["name"]: r for r in s.describe(administrator=True)}
    assert admin["database_url"]["value"] == f"postgresql://app:{MASK}@db.example/certpass"


def test_init_demo_gives_a_sqlite_database_its_own_secret(tmp_path, capsys, monkeypatch):
    monkeypatch.delenv("CERTPASS_SECRET_KEY", raising=False)
    from certpass.cli import context
    from certpass.cli.main import main

    url = f"sqlite:///{tmp_path / 'demo.db'}"
    try:
        assert main(["--database", url, "init", "--demo"]) == 0
    finally:
        context.configure()
        context.database().dispose()
    path = tmp_path / "demo.db.secret"
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    secret = path.read_text().strip()
    assert secret_weakness(secret) is None
    assert "secret_key:" in capsys.readouterr().err
    settings = Settings.load(environ={}, database_url=url)
    assert settings.secret_key == secret
    # The keys sealed during init open with it (a wrong secret would fail here).
    from certpass.credentials import keyring
    from certpass.store.database import Database

    db = Database(url)
    try:
        with db.read() as session:
            assert keyring.signer(session, settings, None, create=False) is not None
    finally:
        db.dispose()
    # CERTPASS_SECRET_KEY, when set, wins over the file.
    assert Settings.load(environ={"CERTPASS_SECRET_KEY": STRONG},
                         database_url=url).secret_key == STRONG


def test_each_database_gets_a_secret_of_its_own_and_keeps_it(tmp_path):
    a, b = f"sqlite:///{tmp_path / 'a.db'}", f"sqlite:///{tmp_path / 'b.db'}"
    write_secret_file(a)
    write_secret_file(b)
    first = read_secret_file(a)
    assert first and first != read_secret_file(b)
    write_secret_file(a)  # an existing secret is never replaced
    assert read_secret_file(a) == first
    assert write_secret_file("postgresql://db/x") is None
    assert write_secret_file("sqlite:///:memory:") is None


def test_the_table_is_declared_once_and_validated_by_type():
    names = [r["name"] for r in Settings().describe()]
    assert names == list(Settings.model_fields) and "secret_key" in names
    assert all(r["help"] for r in Settings().describe())
    with pytest.raises(InvalidSetting) as unknown:
        Settings.load(environ={}, max_pages=3)
    assert "no setting max_pages" in unknown.value.message
    with pytest.raises(InvalidSetting) as bad:
        Settings.load(environ={}, checkpoint_every_seconds="soon")
    assert bad.value.details[0]["setting"] == "checkpoint_every_seconds"


def test_building_settings_directly_reads_no_environment(monkeypatch):
    monkeypatch.setenv("CERTPASS_MAX_PAGE_SIZE", "7")
    assert Settings().max_page_size == 500
    assert Settings.load().max_page_size == 7
    assert Settings.load(environ={}).max_page_size == 500


def test_replace_makes_a_validated_copy():
    s = Settings.load(environ={}, secret_key=STRONG)
    t = s.replace(max_page_size=20)
    assert (t.max_page_size, t.secret_key, s.max_page_size) == (20, STRONG, 500)
    with pytest.raises(ValueError):
        s.replace(max_page_size="many")


@pytest.mark.parametrize("base_url, did_host, problem", [
    ("http://127.0.0.1:8000", "", "IP address"),
    ("https://192.0.2.10", "", "IP address"),
    ("https://[2001:db8::1]:8443", "", "IP address"),
    ("http://certs.example", "", "plain http"),
    ("http://certs.example", "certs.example", None),  # the DID host is given explicitly
    ("https://certs.example", "", None),
    ("https://certs.example", "192.0.2.10%3A8443", "IP address"),
])
def test_did_web_needs_a_domain_over_https(base_url, did_host, problem):
    found = Settings.load(environ={}, base_url=base_url, did_web_host=did_host
                          ).did_web_problem()
    assert (found is None) if problem is None else (problem in found and "did:web" in found)


def test_serve_refuses_did_web_on_an_ip_beyond_loopback_and_warns_locally():
    public = Settings.load(environ={}, secret_key=STRONG, base_url="http://192.0.2.10:8000")
    with pytest.raises(InvalidSetting) as refused:
        public.check_did_web_for_serving("0.0.0.0")
    assert "did:web" in refused.value.message and "CERTPASS_BASE_URL" in refused.value.hint
    local = Settings.load(environ={}, base_url="http://127.0.0.1:8000")
    warning = local.check_did_web_for_serving("127.0.0.1")
    assert warning and "local demo" in warning
    proper = Settings.load(environ={}, secret_key=STRONG, base_url="https://certs.example")
    assert proper.check_did_web_for_serving("0.0.0.0") is None


def test_init_and_serve_print_the_did_web_warning(sqlite_db, capsys, monkeypatch):
    monkeypatch.delenv("CERTPASS_BASE_URL", raising=False)
    monkeypatch.delenv("CERTPASS_DID_WEB_HOST", raising=False)
    cli = cli_runner(sqlite_db, capsys)
    code, _, err = cli("init")
    assert code == 0 and "did:web" in err and "IP address" in err


def test_no_jobs_leaves_the_server_without_background_jobs(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """`serve --no-jobs` sets these three: no job then runs in the server, not even the
    idempotency-key janitor (the README: they run in `certpass worker` processes)."""
    from certpass.store.database import Database
    from certpass.web.app import background_jobs

    db = Database(f"sqlite:///{tmp_path / 'jobs.db'}")
    served = Settings.load(environ={}, log_publisher="false", alerts_worker="false",
                           idempotency_janitor="false")
    assert background_jobs(db, served) == []
    assert {type(j).__name__ for j in background_jobs(db, served, every_job=True)} == {
        "CheckpointPublisher", "DeliveryWorker", "IdempotencyKeyJanitor"}
    assert [type(j).__name__ for j in background_jobs(db, Settings.load(environ={}))] == [
        "CheckpointPublisher", "IdempotencyKeyJanitor"]
