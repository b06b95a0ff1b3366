"""One declarative table of settings.

Every setting has a name, a default and a help text. Values come from ``CERTPASS_<NAME>``
environment variables (or CLI flags that set them); nothing else in certpass reads the
environment. ``Settings.load()`` is cheap and side-effect free, so tests build their own.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from typing import Any

from certpass.errors import InvalidSetting


def _setting(default: Any, help: str, secret: bool = False) -> Any:
    return field(default=default, metadata={"help": help, "secret": secret})


@dataclass(frozen=True)
class Settings:
    database_url: str = _setting(
        "sqlite:///certpass.db", "SQLAlchemy URL of the database (SQLite or PostgreSQL)."
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
        "certpass-development-secret-change-me",
        "Secret that encrypts private keys and webhook secrets at rest and signs sessions. "
        "Change it in production (and keep it: what it sealed opens only with it).",
        secret=True,
    )
    log_origin: str = _setting(
        "certpass.example/log", "Origin line of the transparency log's checkpoints."
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
    verify_burst: int = _setting(
        0, "Extra verify requests one client may burst above the per-minute rate (0: none)."
    )
    idempotency_keep_hours: float = _setting(
        24.0, "How long a write's Idempotency-Key is remembered: a retry within it returns "
        "the first response; the server forgets older keys (0: keep them forever)."
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
    status_list_size: int = _setting(
        131_072, "Entries per Bitstring Status List (W3C minimum 131,072)."
    )

    @classmethod
    def load(cls, environ: Mapping[str, str] | None = None, **overrides: Any) -> Settings:
        environ = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        for f in fields(cls):
            raw = environ.get(f"CERTPASS_{f.name.upper()}")
            if f.name in overrides and overrides[f.name] is not None:
                raw = overrides[f.name]
            if raw is None:
                continue
            values[f.name] = _coerce(f.name, f.type, raw)
        return cls(**values)

    def describe(self) -> list[dict[str, Any]]:
        """The table of settings, secrets masked: served at /api/settings."""
        rows = []
        for f in fields(self):
            value = getattr(self, f.name)
            if f.metadata["secret"]:
                value = "********"
            rows.append(
                {
                    "name": f.name,
                    "env": f"CERTPASS_{f.name.upper()}",
                    "value": value,
                    "default": "********" if f.metadata["secret"] else f.default,
                    "help": f.metadata["help"],
                }
            )
        return rows

    @property
    def did_host(self) -> str:
        if self.did_web_host:
            return self.did_web_host
        host = self.base_url.split("://", 1)[-1].rstrip("/")
        return host.replace(":", "%3A")


_TRUE, _FALSE = {"1", "true", "yes", "on"}, {"0", "false", "no", "off", ""}


def _coerce(name: str, type_name: Any, raw: Any) -> Any:
    kind = {"int": int, "float": float, "str": str, "bool": bool}.get(str(type_name), str)
    try:
        if kind is bool and not isinstance(raw, bool):
            word = str(raw).strip().lower()
            if word not in _TRUE | _FALSE:
                raise ValueError(word)
            return word in _TRUE
        return kind(raw)
    except (TypeError, ValueError) as exc:
        raise InvalidSetting(
            f"setting {name} must be {kind.__name__}, got {raw!r}",
            hint=f"set CERTPASS_{name.upper()} to a valid {kind.__name__}"
            + (" (true or false)" if kind is bool else ""),
        ) from exc
