"""Status alerts: subscriptions, the queue filled in the certificate's own transaction, and
delivery (signed, retried with backoff, in order per certificate, paused when failing).

Delivery is at least once: a receiver deduplicates on the payload's ``delivery`` id.
Webhook URLs are chosen by users, so every URL is checked (alerts.egress) when it is
subscribed and again on each delivery, on the address the connection is then pinned to:
loopback, private, link-local and metadata addresses are refused unless an operator allows
their network. Subscribers see only a generic reason for a failure ("connection failed",
"timed out", "HTTP 503", ...), never the error text, so ``last_error`` maps nothing.
Subscriptions are delivered concurrently, each within a time bound, so one slow receiver
delays nobody else.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import logging
import secrets
import time
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, delete, event, exists, or_, select, update
from sqlalchemy.orm import Session, aliased

from certpass.accounts.actor import Actor
from certpass.accounts.models import User
from certpass.alerts import egress, signer
from certpass.alerts.models import Delivery, Subscription
from certpass.config import Settings
from certpass.errors import Forbidden, InvalidInput, NotFound
from certpass.store import sealed
from certpass.store.base import utcnow
from certpass.store.database import Database
from certpass.store.session import CertpassSession

TARGET_KINDS = ("certificate", "holder", "body")
log = logging.getLogger("certpass.alerts")


# -- subscriptions -----------------------------------------------------------------------

def check_url(url: str, settings: Settings, resolver: egress.Resolver = egress.resolve) -> str:
    """The URL as it will be sent, if it may be subscribed (alerts.egress)."""
    return egress.check_at_subscribe(url.strip(), egress.allowed_networks(
        settings.webhook_allowed_networks), resolver)


def subscribe(session: Session, settings: Settings, actor: Actor, target_kind: str,
              target: str, url: str, target_issuer: str = "") -> tuple[Subscription, str]:
    """A new subscription and its signing secret (returned here once, never shown again).
    A certificate watch's `target_issuer` is the body whose number it is ("": any)."""
    user = _user(session, actor)
    if target_kind not in TARGET_KINDS:
        raise InvalidInput(f"unknown target kind {target_kind!r}",
                           hint=f"use one of {', '.join(TARGET_KINDS)}")
    if not target.strip():
        raise InvalidInput("say what to watch: a certificate number, a holder name or a body id")
    secret = "whsec_" + secrets.token_urlsafe(32)
    sub_id = "sub_" + secrets.token_hex(8)
    sub = Subscription(id=sub_id, user_id=user.id, target_kind=target_kind,
                       target=target.strip(),
                       target_issuer=target_issuer if target_kind == "certificate" else "",
                       url=check_url(url, settings),
                       secret=_seal(settings, sub_id, secret), state="active",
                       consecutive_failures=0, last_error="")
    session.add(sub)
    session.flush()
    session.info.pop(_TARGETS, None)
    return sub, secret


# -- the secret at rest: sealed (store.sealed) under its own label, bound to the subscription

_SEALED, _LABEL = "sealed:", b"certpass webhook secret v1"


def _seal(settings: Settings, subscription_id: str, secret: str) -> str:
    box = sealed.seal(secret.encode(), _LABEL, subscription_id.encode(), settings.secret_key)
    return _SEALED + base64.b64encode(box).decode("ascii")


def _open(settings: Settings, subscription_id: str, stored: str) -> str:
    """The plain secret; a stored one without the prefix predates sealing."""
    if not stored.startswith(_SEALED):
        return stored
    box = base64.b64decode(stored.removeprefix(_SEALED))
    return sealed.unseal(box, _LABEL, subscription_id.encode(), settings.secret_key).decode()


def seal_plain_secrets(db: Database, settings: Settings) -> int:
    """Seal the secrets stored in plain text before they were sealed; returns how many."""
    plain = Subscription.secret.not_like(_SEALED + "%")
    with db.read() as session:
        if session.scalar(select(Subscription.id).where(plain).limit(1)) is None:
            return 0
    with db.write() as session:
        subs = session.scalars(select(Subscription).where(plain)).all()
        for sub in subs:
            sub.secret = _seal(settings, sub.id, sub.secret)
        return len(subs)


def get(session: Session, actor: Actor, subscription_id: str) -> Subscription:
    sub = session.get(Subscription, subscription_id)
    if sub is None:
        raise NotFound(f"no subscription {subscription_id!r}")
    if actor.role not in ("admin", "operator"):
        user = _user(session, actor)
        if sub.user_id != user.id:
            # Someone else's subscription looks like none at all.
            raise NotFound(f"no subscription {subscription_id!r}")
    return sub


def list_subscriptions(session: Session, actor: Actor) -> list[Subscription]:
    query = select(Subscription).order_by(Subscription.created_at, Subscription.id)
    if actor.role not in ("admin", "operator"):
        query = query.where(Subscription.user_id == _user(session, actor).id)
    return list(session.scalars(query))


def unsubscribe(session: Session, actor: Actor, subscription_id: str) -> None:
    sub = get(session, actor, subscription_id)
    session.execute(delete(Delivery).where(Delivery.subscription_id == sub.id))
    session.delete(sub)


def resume(session: Session, actor: Actor, subscription_id: str) -> Subscription:
    """Resume a paused subscription; its waiting deliveries become due now, in order."""
    sub = get(session, actor, subscription_id)
    sub.state = "active"
    sub.consecutive_failures = 0
    sub.paused_at = None
    session.execute(update(Delivery).where(Delivery.subscription_id == sub.id,
                                           Delivery.state == "pending")
                    .values(next_attempt_at=utcnow()))
    return sub


def deliveries(session: Session, actor: Actor, subscription_id: str, limit: int,
               offset: int) -> list[Delivery]:
    sub = get(session, actor, subscription_id)
    return list(session.scalars(select(Delivery).where(Delivery.subscription_id == sub.id)
                                .order_by(Delivery.id.desc()).limit(limit).offset(offset)))


def to_dict(sub: Subscription) -> dict[str, Any]:
    return {"id": sub.id, "target_kind": sub.target_kind, "target": sub.target,
            "target_issuer": sub.target_issuer, "url": sub.url,
            "state": sub.state, "consecutive_failures": sub.consecutive_failures,
            "last_error": sub.last_error, "created_at": sub.created_at,
            "paused_at": sub.paused_at}


def delivery_dict(d: Delivery) -> dict[str, Any]:
    return {"id": d.id, "certificate": d.certificate_number, "event_type": d.event_type,
            "log_index": d.log_index, "state": d.state, "attempts": d.attempts,
            "next_attempt_at": d.next_attempt_at, "last_status": d.last_status,
            "last_error": d.last_error, "created_at": d.created_at,
            "delivered_at": d.delivered_at}


def _user(session: Session, actor: Actor) -> User:
    user = session.scalar(select(User).where(User.username == actor.name))
    if user is None:
        raise Forbidden("subscriptions belong to a user account",
                        hint="use a token of a user (a read-scope token is enough)")
    return user


# -- the queue: called by the certificate lifecycle inside its transaction --------------

_TARGETS = "certpass.alerts.targets"


def _subscribed_targets(session: Session) -> set[tuple[str, str]]:
    """Every (kind, target) anyone subscribes to, read once per transaction: a bulk import
    of thousands of certificates then asks the database once, not once per certificate."""
    targets = session.info.get(_TARGETS)
    if targets is None:
        with session.no_autoflush:
            rows = session.execute(select(Subscription.target_kind, Subscription.target))
            targets = session.info[_TARGETS] = {(k, t) for k, t in rows}
    return targets


@event.listens_for(CertpassSession, "after_transaction_end")
def _forget_targets(session: Session, transaction: Any) -> None:
    if transaction.parent is None:
        session.info.pop(_TARGETS, None)


def on_certificate_event(session: Session, certificate: Mapping[str, Any],
                         event: dict[str, Any], log_index: int) -> int:
    """Queue the event for every matching subscription (same transaction as the change);
    `certificate` is the certificate's row."""
    number, holder, issuer = (certificate["number"], certificate["holder_name"],
                              certificate["issuer_id"])
    wanted = {("certificate", number), ("holder", holder), ("body", issuer)}
    if not wanted & _subscribed_targets(session):
        return 0
    with session.no_autoflush:
        subs = session.scalars(select(Subscription.id).where(or_(
            and_(Subscription.target_kind == "certificate", Subscription.target == number,
                 Subscription.target_issuer.in_(("", issuer))),
            and_(Subscription.target_kind == "holder", Subscription.target == holder),
            and_(Subscription.target_kind == "body", Subscription.target == issuer)))).all()
    if not subs:
        return 0
    payload = json.dumps({**event, "log_index": log_index, "holder": holder},
                         ensure_ascii=False, sort_keys=True)
    now = utcnow()
    for sub_id in subs:
        session.add(Delivery(subscription_id=sub_id, certificate_number=number,
                             event_type=str(event.get("type", "")), log_index=log_index,
                             payload=payload, state="pending", attempts=0,
                             next_attempt_at=now, last_error="", created_at=now))
    return len(subs)


# -- delivery ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Outcome:
    status: int | None
    error: str = ""

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


Post = Callable[[egress.Pinned, bytes, dict[str, str], float], Outcome]


def http_post(target: egress.Pinned, body: bytes, headers: dict[str, str],
              timeout: float) -> Outcome:
    """POST to the checked address (the original host in Host and in TLS SNI, whose
    certificate is verified against it); no redirects, no proxies from the environment."""
    import httpx

    extensions = {"sni_hostname": target.sni_hostname} if target.sni_hostname else {}
    try:
        with httpx.Client(timeout=timeout, follow_redirects=False, trust_env=False) as client:
            response = client.post(target.url, content=body,
                                   headers={**headers, "Host": target.host_header},
                                   extensions=extensions)
    except httpx.TimeoutException:
        return Outcome(None, "timed out")
    except httpx.ConnectError:
        return Outcome(None, "connection failed")
    except httpx.HTTPError:
        return Outcome(None, "the receiver's answer could not be read")
    return Outcome(response.status_code, "" if response.is_success
                   else f"HTTP {response.status_code}")


def retry_delay(settings: Settings, attempts: int) -> float:
    """Exponential backoff: base, 2·base, 4·base, ... up to the cap."""
    return min(settings.alerts_retry_cap_seconds,
               settings.alerts_retry_base_seconds * 2 ** max(0, attempts - 1))


@dataclass(frozen=True)
class _Due:
    delivery_id: int
    subscription_id: str
    url: str
    secret: str  # as stored (sealed)
    body: bytes


def _due_heads(db: Database, now: dt.datetime, limit: int) -> list[_Due]:
    """For each (subscription, certificate), its oldest pending delivery, if that is due,
    selected by the query itself (no scan of old rows that are not due): a later event
    never overtakes an earlier one for the same certificate."""
    earlier = aliased(Delivery)
    with db.read() as session:
        rows = session.execute(
            select(Delivery, Subscription.url, Subscription.secret)
            .join(Subscription, Subscription.id == Delivery.subscription_id)
            .where(Delivery.state == "pending", Subscription.state == "active",
                   Delivery.next_attempt_at <= now,
                   ~exists().where(earlier.subscription_id == Delivery.subscription_id,
                                   earlier.certificate_number == Delivery.certificate_number,
                                   earlier.state == "pending", earlier.id < Delivery.id))
            .order_by(Delivery.id).limit(limit)).all()
    out = []
    for delivery, url, secret in rows:
        body = json.dumps({"delivery": delivery.id, "subscription": delivery.subscription_id,
                           "event": json.loads(delivery.payload)},
                          ensure_ascii=False, sort_keys=True).encode()
        out.append(_Due(delivery.id, delivery.subscription_id, url, secret, body))
    return out


def deliver_due(db: Database, settings: Settings, post: Post = http_post,
                limit: int = 500) -> dict[str, int]:
    """One round: each subscription's due deliveries, subscriptions side by side (threads),
    each subscription in order and within a time bound; every outcome is recorded against
    its own delivery. No transaction is held while waiting on a receiver."""
    by_subscription: dict[str, list[_Due]] = {}
    for due in _due_heads(db, utcnow(), limit):
        by_subscription.setdefault(due.subscription_id, []).append(due)
    allowed = egress.allowed_networks(settings.webhook_allowed_networks)
    figures = {"sent": 0, "delivered": 0, "failed": 0, "paused": 0}
    if not by_subscription:
        return figures
    workers = max(1, min(settings.alerts_concurrency, len(by_subscription)))
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="certpass-alert") as pool:
        for part in pool.map(lambda dues: _deliver_subscription(db, settings, post, allowed,
                                                                dues),
                             by_subscription.values()):
            for key, value in part.items():
                figures[key] += value
    return figures


def _deliver_subscription(db: Database, settings: Settings, post: Post,
                          allowed: tuple[egress.Network, ...],
                          dues: list[_Due]) -> dict[str, int]:
    """One subscription's due deliveries in order: stops at the first failure (one is
    enough evidence per round) or when its time bound is spent."""
    figures = {"sent": 0, "delivered": 0, "failed": 0, "paused": 0}
    deadline = time.monotonic() + 3 * settings.alerts_timeout_seconds
    for due in dues:
        if time.monotonic() > deadline:
            break
        sent, outcome = _deliver_one(settings, post, allowed, due)
        figures["sent"] += sent
        paused = _record_outcome(db, settings, due, outcome)
        if outcome.ok:
            figures["delivered"] += 1
            continue
        figures["failed"] += 1
        figures["paused"] += paused
        break
    return figures


def _deliver_one(settings: Settings, post: Post, allowed: tuple[egress.Network, ...],
                 due: _Due) -> tuple[int, Outcome]:
    """(1 if a request was sent, the outcome); any failure is this delivery's alone."""
    try:
        secret = _open(settings, due.subscription_id, due.secret)
    except (sealed.InvalidTag, ValueError):
        return 0, Outcome(None, "cannot decrypt the subscription's secret: "
                                "CERTPASS_SECRET_KEY differs from the one it was sealed with")
    try:
        target = egress.pinned(due.url, allowed)
    except egress.EgressRefused as refused:
        return 0, Outcome(None, f"refused: {refused.reason}")
    timestamp = int(time.time())
    headers = {"Content-Type": "application/json", "User-Agent": "certpass-alerts",
               signer.HEADER: signer.signature(secret, timestamp, due.body)}
    try:
        return 1, post(target, due.body, headers, settings.alerts_timeout_seconds)
    except Exception:  # a broken delivery must not stop the others
        log.exception("delivery %s failed unexpectedly", due.delivery_id)
        return 1, Outcome(None, "delivery failed")


def _record_outcome(db: Database, settings: Settings, due: _Due, outcome: Outcome) -> int:
    now = utcnow()
    with db.write() as session:
        delivery = session.get(Delivery, due.delivery_id)
        sub = session.get(Subscription, due.subscription_id)
        if delivery is None or sub is None or delivery.state != "pending":
            return 0  # unsubscribed meanwhile, or another worker got there first
        delivery.attempts += 1
        delivery.last_status = outcome.status
        if outcome.ok:
            delivery.state = "delivered"
            delivery.delivered_at = now
            delivery.last_error = ""
            sub.consecutive_failures = 0
            return 0
        delivery.last_error = outcome.error
        delivery.next_attempt_at = now + dt.timedelta(
            seconds=retry_delay(settings, delivery.attempts))
        sub.consecutive_failures += 1
        sub.last_error = outcome.error
        if sub.consecutive_failures >= settings.alerts_pause_after and sub.state == "active":
            sub.state = "paused"
            sub.paused_at = now
            return 1
    return 0


def deliver_until_idle(db: Database, settings: Settings, post: Post = http_post,
                       max_rounds: int = 1000) -> dict[str, int]:
    """Rounds until nothing is due (the ``--once`` mode of the worker), after sealing any
    secret still stored in plain text."""
    seal_plain_secrets(db, settings)
    total = {"sent": 0, "delivered": 0, "failed": 0, "paused": 0}
    for _ in range(max_rounds):
        figures = deliver_due(db, settings, post)
        for k, v in figures.items():
            total[k] += v
        if figures["sent"] == 0:
            break
    return total
