"""One declarative table of settings (pydantic-settings).

Every setting has a name, a type, a default and a help text. Values come from
``CERTPASS_<NAME>`` environment variables (or CLI flags that set them), validated and
converted by pydantic; nothing else in certpass reads the environment. ``Settings.load()`` is
cheap and side-effect free, so tests build their own (``environ={}`` ignores the process's).
"""

from __future__ import annotations

import ipaddress
import math
import os
import secrets
from collections import Counter
from collections.abc import Mapping
from contextvars import ContextVar
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from pydantic import Field, ValidationError
from pydantic_settings import (
    BaseSettings,
    EnvSettingsSource,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
)

from certpass.errors import InvalidSetting, WeakSecret

PREFIX = "CERTPASS_"

DEFAULT_SECRET_KEY = "certpass-development-secret-change-me"
MIN_SECRET_CHARS = 32
MIN_SECRET_BITS = 128  # estimated from the key's own character frequencies
MASK = "********"
SECRET_HINT = ("set CERTPASS_SECRET_KEY to a long random value, e.g. the output of "
               "`python -c \"import secrets; print(secrets.token_urlsafe(32))\"`, and keep it")


def _setting(default: Any, help: str, secret: bool = False, sensitive: bool = False) -> Any:
    """`secret`: never shown; `sensitive`: shown (credentials masked) to administrators only."""
    return Field(default=default, description=help,
                 json_schema_extra={"secret": secret, "sensitive": sensitive or secret})


# The environment Settings.load reads (os.environ unless a test gives its own). Building
# ``Settings(...)`` directly reads none: its values are the arguments and the defaults.
_environ: ContextVar[Mapping[str, str] | None] = ContextVar("certpass_environ", default=None)


class _Environment(EnvSettingsSource):
    """pydantic-settings' environment source over ``Settings.load``'s mapping."""

    def _load_env_vars(self) -> Mapping[str, str | None]:
        environ = _environ.get() or {}
        return {k.lower(): v for k, v in environ.items() if k.upper().startswith(PREFIX)}


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix=PREFIX, frozen=True, extra="forbid",
                                      case_sensitive=False)

    database_url: str = _setting(
        "sqlite:///certpass.db", "SQLAlchemy URL of the database (SQLite or PostgreSQL).",
        sensitive=True,
    )
    read_database_url: str = _setting(
        "", "SQLAlchemy URL of a PostgreSQL streaming replica for the web's reads; empty: "
        "every read goes to database_url. Writes, reads after a write (the same request, "
        "and that browser's next requests for a few seconds), sign-in checks, the CLI and "
        "background jobs always use database_url; a replica that is unreachable or lags "
        "more than read_replica_max_lag_seconds is skipped with a warning.",
        sensitive=True,
    )
    read_replica_max_lag_seconds: float = _setting(
        5.0, "Reads skip the replica (and go to database_url) while it lags behind by more "
        "than this many seconds of replayed commits.",
    )
    base_url: str = _setting(
        "http://127.0.0.1:8000",
        "Public URL of this instance; used in DIDs, status lists and QR codes.",
    )
    did_web_host: str = _setting(
        "",
        "Host (and %3A-encoded port) used in did:web identifiers; derived from base_url if empty.",
    )
    secret_key: str = _setting(
        DEFAULT_SECRET_KEY,
        "Secret that encrypts private keys and webhook secrets at rest and signs sessions. "
        "`serve` refuses the default or a weak one unless host and base URL are loopback; "
        "unset, a SQLite database's `<file>.secret` (written by `init --demo`) is used. "
        "Keep it: what it sealed opens only with it.",
        secret=True,
    )
    log_origin: str = _setting(
        "", "Origin line of the transparency log's checkpoints (C2SP: a schema-less URL "
        "naming the log); empty: derived from base_url (`<host>[:port][/path]/log`). Fixed "
        "when the log's key is made (`init`) and kept in the database from then on."
    )
    checkpoint_every_entries: int = _setting(
        1000, "Sign a new checkpoint after this many new log entries."
    )
    warm_caches: bool = _setting(
        True, "Compute the recognition snapshot and project figures when the server starts."
    )
    log_publisher: bool = _setting(
        True, "Sign checkpoints in the background while serving (every N entries or T "
        "seconds, whichever comes first)."
    )
    checkpoint_every_seconds: float = _setting(
        10.0, "Sign a new checkpoint after this many seconds if the log has grown."
    )
    max_body_bytes: int = _setting(1_048_576, "Largest accepted request body (bytes).")
    max_upload_bytes: int = _setting(20_971_520, "Largest accepted bulk-upload file (bytes).")
    max_import_rows: int = _setting(100_000, "Most rows accepted in one bulk import.")
    max_page_size: int = _setting(500, "Largest `limit` accepted by list endpoints.")
    verify_rate_per_minute: int = _setting(
        120, "Requests per minute one client may make to the public verify endpoints."
    )
    rate_limit_storage: str = _setting(
        "memory://", "Where the verify rate limit counts: memory:// (each server process "
        "alone) or redis://host:port/db (shared by every process and machine using it).",
        sensitive=True,
    )
    bundle_max_age_hours: float = _setting(
        168.0, "Offline verification: past this age (hours) a trust bundle's status is stale, "
        "and `certpass verify --trust` warns and exits non-zero."
    )
    idempotency_keep_hours: float = _setting(
        24.0, "How long a write's Idempotency-Key is remembered: a retry within it returns "
        "the first response; the server forgets older keys (0: keep them forever)."
    )
    idempotency_janitor: bool = _setting(
        True, "Forget expired Idempotency-Keys in the background while serving (else "
        "`certpass worker` does)."
    )
    alerts_worker: bool = _setting(
        False, "Run the webhook delivery worker inside the web server (else run "
        "`certpass alerts deliver`)."
    )
    alerts_poll_seconds: float = _setting(
        2.0, "How often the delivery worker looks for due alerts (seconds)."
    )
    alerts_retry_base_seconds: float = _setting(
        10.0, "First retry delay of a failed webhook delivery; doubles on each failure."
    )
    alerts_retry_cap_seconds: float = _setting(
        3600.0, "Longest delay between retries of a failed webhook delivery."
    )
    alerts_pause_after: int = _setting(
        12, "Consecutive failed deliveries after which a subscription is paused."
    )
    alerts_timeout_seconds: float = _setting(10.0, "Timeout of one webhook delivery request.")
    alerts_concurrency: int = _setting(
        8, "Subscriptions delivered side by side in one round (each within 3 timeouts)."
    )
    login_free_failures: int = _setting(
        5, "Wrong passwords per account name before each further one locks it (1 s, 2 s, "
        "4 s, ... up to login_lockout_max_seconds); the count is kept in the database."
    )
    login_free_failures_per_client: int = _setting(
        20, "Wrong passwords per client address before the same back-off applies to it."
    )
    login_lockout_max_seconds: int = _setting(
        900, "Longest lock after repeated wrong passwords (seconds)."
    )
    webhook_allowed_networks: str = _setting(
        "", "Comma-separated networks (CIDR) webhooks may reach although they are loopback, "
        "private or link-local, e.g. 127.0.0.1/32 for local testing; empty: none."
    )
    backdate_days: int = _setting(
        7, "Days before today a certificate's issue date (or an amendment's, or the "
        "effective date of a suspension, restoration, withdrawal or cancellation) may lie; "
        "further back only the operator's command line may record it, and the log entry "
        "says so (`backdated`)."
    )
    accreditation_backdate_days: int = _setting(
        30, "Days before today an accreditation's valid_from may lie without a reason; "
        "further back the grant needs a `backdate_reason`, which the log entry records."
    )
    status_list_size: int = _setting(
        131_072, "Entries per Bitstring Status List (W3C minimum 131,072)."
    )
    status_list_ttl_seconds: int = _setting(
        86_400, "How long a signed status list is current: its validUntil (and ttl) is this "
        "many seconds after signing, so an offline verifier knows how old its status is."
    )
    photo_max_pixels: int = _setting(
        16_000_000, "Largest QR photo decoded, in pixels, read from the image header before "
        "decoding (larger JPEGs are decoded at a reduced scale; others are refused, 413)."
    )
    trust_bundle_refresh_seconds: float = _setting(
        60.0, "GET /api/trust-bundle rebuilds the bundle at most this often while the log "
        "grows (it is dated: `created`, status lists' validFrom/validUntil)."
    )
    photo_max_bytes: int = _setting(8_388_608, "Largest QR photo upload (bytes, 413 above).")
    photo_decoders: int = _setting(
        2, "QR photos decoded at once; a photo arriving while all are busy gets 503."
    )

    @classmethod
    def settings_customise_sources(
        cls, settings_cls: type[BaseSettings], init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource, dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        # Arguments (CLI flags, tests) first, then CERTPASS_* variables; no .env files.
        return init_settings, _Environment(settings_cls)

    @classmethod
    def load(cls, environ: Mapping[str, str] | None = None, **overrides: Any) -> Settings:
        """Settings from `environ` (default: the process environment), `overrides` winning
        (None means "not given"). A SQLite database's ``<file>.secret`` is the secret_key
        when neither sets one."""
        environ = os.environ if environ is None else environ
        given = {k: v for k, v in overrides.items() if v is not None}
        for name in given:
            if name not in cls.model_fields:
                raise InvalidSetting(f"there is no setting {name}",
                                     hint="see `GET /api/settings` for the table of settings")
        if "secret_key" not in given and f"{PREFIX}SECRET_KEY" not in environ:
            url = given.get("database_url") or environ.get(f"{PREFIX}DATABASE_URL") or str(
                cls.model_fields["database_url"].default)
            stored = read_secret_file(str(url))
            if stored:
                given["secret_key"] = stored
        token = _environ.set(environ)
        try:
            return cls(**given)
        except ValidationError as exc:
            error = exc.errors()[0]
            name = str(error["loc"][0]) if error["loc"] else "?"
            kind = _kind(cls, name)
            raise InvalidSetting(
                f"setting {name} must be {kind}, got {error.get('input')!r}",
                hint=f"set {PREFIX}{name.upper()} to a valid {kind}"
                     + (" (true or false)" if kind == "bool" else ""),
                details=[{"setting": e["loc"][0] if e["loc"] else None, "problem": e["msg"]}
                         for e in exc.errors()],
            ) from None
        finally:
            _environ.reset(token)

    def replace(self, **changes: Any) -> Settings:
        """A copy with `changes`, validated like everything else."""
        return type(self)(**{**self.model_dump(), **changes})

    def describe(self, administrator: bool = False) -> list[dict[str, Any]]:
        """The table of settings, served at /api/settings: secrets never shown, passwords in
        URLs masked, sensitive settings (the database URL) shown to administrators only."""
        rows = []
        for name, f in type(self).model_fields.items():
            marks = f.json_schema_extra if isinstance(f.json_schema_extra, dict) else {}
            value, default = getattr(self, name), f.default
            if marks.get("secret"):
                value = default = MASK
            elif marks.get("sensitive") and not administrator:
                value = default = None
            rows.append(
                {
                    "name": name,
                    "env": f"{PREFIX}{name.upper()}",
                    "value": mask_userinfo(value),
                    "default": mask_userinfo(default),
                    "help": f.description,
                    **({"visible_to": "administrators"}
                       if marks.get("sensitive") and not marks.get("secret") else {}),
                }
            )
        return rows

    def secret_weakness(self) -> str | None:
        """Why ``secret_key`` is unfit to protect a public server, or None if it is fit."""
        return secret_weakness(self.secret_key)

    @property
    def is_local(self) -> bool:
        """The public URL names this machine (loopback), so nobody else reaches it."""
        return is_loopback(urlsplit(self.base_url).hostname or "")

    def check_secret_for_serving(self, host: str) -> None:
        """Refuse to serve beyond this machine with the default or a weak secret: it signs
        sessions (a known one lets anyone forge a login) and seals every signing key."""
        weakness = self.secret_weakness()
        if weakness is None or (is_loopback(host) and self.is_local):
            return
        where = host if not is_loopback(host) else self.base_url
        raise WeakSecret(
            f"refusing to serve on {where} with {weakness}",
            hint=SECRET_HINT + "; or serve only locally (--host 127.0.0.1 and a loopback "
                 "CERTPASS_BASE_URL)")

    def did_web_problem(self) -> str | None:
        """Why the DIDs this instance builds are not proper did:web identifiers (a did:web
        names a domain served over https), or None."""
        if self.did_web_host:
            host = self.did_web_host.replace("%3A", ":").replace("%3a", ":")
            host = host.split(":", 1)[0] if host.count(":") == 1 else host
            scheme = "https"
        else:
            parts = urlsplit(self.base_url)
            host, scheme = parts.hostname or "", parts.scheme.lower()
        problems = []
        try:
            ipaddress.ip_address(host.strip("[]"))
            problems.append(f"the IP address {host}")
        except ValueError:
            pass
        if scheme != "https":
            problems.append(f"plain {scheme or 'no scheme'} ({self.base_url})")
        if not problems:
            return None
        return (f"did:web identifiers would be built on {' and '.join(problems)}: did:web "
                "needs a domain name served over https, so other verifiers cannot resolve "
                "these DIDs")

    def check_did_web_for_serving(self, host: str) -> str | None:
        """Refuse to serve beyond this machine with DIDs on an IP address or plain http;
        for a local demo, return the warning to print (None: nothing to say)."""
        problem = self.did_web_problem()
        if problem is None:
            return None
        if is_loopback(host) and self.is_local:
            return problem + " (fine for a local demo)"
        raise InvalidSetting(f"refusing to serve on {host}: {problem}",
                             hint=DID_WEB_HINT)

    @property
    def new_log_origin(self) -> str:
        """The origin a new log gets: `log_origin`, or the base URL without its scheme
        plus `/log` (C2SP signed-note origins are schema-less URLs without spaces or +)."""
        if self.log_origin:
            return self.log_origin
        parts = urlsplit(self.base_url)
        name = (parts.netloc.rsplit("@", 1)[-1] + parts.path).rstrip("/") or "certpass"
        return (name + "/log").replace(" ", "").replace("+", "")

    @property
    def did_host(self) -> str:
        if self.did_web_host:
            return self.did_web_host
        host = self.base_url.split("://", 1)[-1].rstrip("/")
        return host.replace(":", "%3A")


DID_WEB_HINT = ("set CERTPASS_BASE_URL to the instance's public https URL on a domain name "
                "(e.g. https://certpass.example.org), or CERTPASS_DID_WEB_HOST")


def _kind(cls: type[Settings], name: str) -> str:
    field = cls.model_fields.get(name)
    annotation = field.annotation if field is not None else str
    return getattr(annotation, "__name__", str(annotation))


def secret_weakness(secret: str) -> str | None:
    if secret == DEFAULT_SECRET_KEY:
        return "the default secret_key (it is public)"
    if len(secret) < MIN_SECRET_CHARS:
        return f"a secret_key of {len(secret)} characters (at least {MIN_SECRET_CHARS} needed)"
    if _entropy_bits(secret) < MIN_SECRET_BITS:
        return (f"a low-entropy secret_key (about {_entropy_bits(secret):.0f} bits, "
                f"{MIN_SECRET_BITS} needed)")
    return None


def _entropy_bits(text: str) -> float:
    """Shannon entropy of the text's own character frequencies, times its length: 0 for
    "aaaa…", ~32 for "abab…" of 32 characters, ~200 for secrets.token_urlsafe(32)."""
    counts, n = Counter(text), len(text)
    return -n * sum(c / n * math.log2(c / n) for c in counts.values()) if n else 0.0


def is_loopback(host: str) -> bool:
    host = host.strip("[]").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def mask_userinfo(value: Any) -> Any:
    """A URL's password replaced by the mask (``postgresql://app:********@db/x``)."""
    if not isinstance(value, str) or "@" not in value or "://" not in value:
        return value
    try:
        parts = urlsplit(value)
    except ValueError:
        return MASK
    if parts.password is None:
        return value
    userinfo, _, hostport = parts.netloc.rpartition("@")
    user = userinfo.partition(":")[0]
    return urlunsplit(parts._replace(netloc=f"{user}:{MASK}@{hostport}"))


def secret_file(database_url: str) -> Path | None:
    """Where a SQLite database's own secret lives: next to the file, ``<file>.secret``."""
    prefix = "sqlite:///"
    if not database_url.startswith(prefix):
        return None
    name = database_url.removeprefix(prefix).split("?", 1)[0]
    if not name or name == ":memory:":
        return None
    return Path(name + ".secret")


def read_secret_file(database_url: str) -> str | None:
    path = secret_file(database_url)
    if path is None or not path.is_file():
        return None
    return path.read_text(encoding="utf-8").strip() or None


def write_secret_file(database_url: str) -> Path | None:
    """Give a SQLite database a random secret of its own (owner-only file), unless it has
    one; None when the database is not a SQLite file."""
    path = secret_file(database_url)
    if path is None or path.exists():
        return path
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write(secrets.token_urlsafe(32) + "\n")
    return path
