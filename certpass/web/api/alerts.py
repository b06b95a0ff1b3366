"""Status alerts: webhook subscriptions to a certificate, a holder or a body.

Subscribing, unsubscribing and resuming are writes: they need a write-scope token (read
scope is strictly read-only); listing subscriptions and deliveries needs any token of the
subscriber. Deliveries are signed with the subscription's
secret, shown once in the response that creates it.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from fastapi import APIRouter, Path
from pydantic import BaseModel, Field

from certpass.alerts import service
from certpass.certificates import service as certificates
from certpass.web.deps import (
    DB,
    WRITE_ERRORS,
    Account,
    PageDep,
    SettingsDep,
    Writer,
    error_responses,
)

router = APIRouter(prefix="/api/subscriptions", tags=["alerts"])
SubId = Annotated[str, Path(min_length=1, max_length=24)]
READ_ERRORS = error_responses(401, 403, 404, 422)


class SubscriptionRequest(BaseModel):
    target_kind: Literal["certificate", "holder", "body"]
    target: str = Field(min_length=1, max_length=200,
                        description="certificate number, holder name (exact) or body id")
    issuer: str | None = Field(default=None, min_length=1, max_length=64, description=(
        "a certificate watch: the issuing body, where several bodies hold the number"))
    url: str = Field(min_length=1, max_length=2000, description="http(s) URL of the receiver")


class SubscriptionOut(BaseModel):
    id: str
    target_kind: str
    target: str
    target_issuer: str = Field(description="a certificate watch: whose number it is (\"\": "
                                           "any body's, while none holds it)")
    url: str
    state: Literal["active", "paused"]
    consecutive_failures: int
    last_error: str
    created_at: dt.datetime
    paused_at: dt.datetime | None


class NewSubscription(SubscriptionOut):
    secret: str = Field(description="HMAC-SHA256 key of the Certpass-Signature header; "
                                    "shown only in this response")


class DeliveryOut(BaseModel):
    id: int
    certificate: str
    event_type: str
    log_index: int
    state: str
    attempts: int
    next_attempt_at: dt.datetime
    last_status: int | None
    last_error: str
    created_at: dt.datetime
    delivered_at: dt.datetime | None


@router.post("", status_code=201, response_model=NewSubscription, responses=WRITE_ERRORS)
def subscribe(request: SubscriptionRequest, db: DB, settings: SettingsDep,
              actor: Writer) -> dict:
    with db.write() as session:
        issuer = certificates.issuer_of(session, request.target.strip(), request.issuer) \
            if request.target_kind == "certificate" else ""
        sub, secret = service.subscribe(session, settings, actor, request.target_kind,
                                        request.target, request.url, issuer)
        return {**service.to_dict(sub), "secret": secret}


@router.get("", response_model=list[SubscriptionOut], responses=READ_ERRORS)
def list_subscriptions(db: DB, actor: Account) -> list[dict]:
    with db.read() as session:
        return [service.to_dict(s) for s in service.list_subscriptions(session, actor)]


@router.get("/{subscription_id}", response_model=SubscriptionOut, responses=READ_ERRORS)
def get_subscription(subscription_id: SubId, db: DB, actor: Account) -> dict:
    with db.read() as session:
        return service.to_dict(service.get(session, actor, subscription_id))


@router.delete("/{subscription_id}", status_code=204, responses=WRITE_ERRORS)
def unsubscribe(subscription_id: SubId, db: DB, actor: Writer) -> None:
    with db.write() as session:
        service.unsubscribe(session, actor, subscription_id)


@router.post("/{subscription_id}/resume", response_model=SubscriptionOut,
             responses=WRITE_ERRORS)
def resume(subscription_id: SubId, db: DB, actor: Writer) -> dict:
    """Resume a paused subscription; waiting deliveries are sent again, in order."""
    with db.write() as session:
        return service.to_dict(service.resume(session, actor, subscription_id))


@router.get("/{subscription_id}/deliveries", response_model=list[DeliveryOut],
            responses=READ_ERRORS)
def deliveries(subscription_id: SubId, db: DB, actor: Account, page: PageDep) -> list[dict]:
    """The delivery log, newest first."""
    with db.read() as session:
        rows = service.deliveries(session, actor, subscription_id, page.limit, page.offset)
        return [service.delivery_dict(d) for d in rows]
