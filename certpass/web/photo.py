"""QR photos uploaded to the verify page: decoded off the event loop, a bounded number at a
time (`photo_decoders`); a photo arriving while every decoder is busy is refused at once
with 503 and Retry-After rather than queued (a queue of photos is a queue of memory)."""

from __future__ import annotations

from fastapi import FastAPI, Request
from starlette.concurrency import run_in_threadpool

from certpass.credentials import qr_photo
from certpass.errors import Busy

RETRY_AFTER_SECONDS = 2


class PhotoGate:
    """At most `limit` decodes at once. Entered and left on the event loop only (no await
    between the test and the increment), so a plain counter is exact."""

    def __init__(self, limit: int) -> None:
        self.limit = max(1, limit)
        self.active = 0

    def enter(self) -> None:
        if self.active >= self.limit:
            raise Busy(f"{self.active} photos are being decoded; try again in a moment",
                       retry_after=RETRY_AFTER_SECONDS,
                       hint="send the photo again in a few seconds, or type the number")
        self.active += 1

    def leave(self) -> None:
        self.active -= 1


def gate(app: FastAPI) -> PhotoGate:
    found = getattr(app.state, "photo_gate", None)
    if found is None:
        found = PhotoGate(app.state.settings.photo_decoders)
        app.state.photo_gate = found
    return found


async def read_qr(request: Request, data: bytes) -> str:
    """The text of the QR code in the uploaded photo, or a CertpassError (413, 422, 503)."""
    settings = request.app.state.settings
    photos = gate(request.app)
    photos.enter()
    try:
        return await run_in_threadpool(qr_photo.decode, data,
                                       max_pixels=settings.photo_max_pixels,
                                       max_bytes=settings.photo_max_bytes)
    finally:
        photos.leave()
