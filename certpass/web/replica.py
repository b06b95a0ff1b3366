"""Which requests may read from the read replica (``CERTPASS_READ_DATABASE_URL``).

Read-your-own-writes, in one place: every request runs in a ``read_route``
(store/database.py). A GET, HEAD or OPTIONS may read from the replica; any other method
reads the primary throughout (it decides what to write from what it reads). A request that
writes reads the primary from its first ``write()`` on, and its response sets the cookie
``certpass-primary`` for ``Replica.window_seconds()``: while the client sends it back, its
reads go to the primary too, so the page a form redirects to, or an API client's GET after
its POST, shows what it just wrote although the replica may not have it yet. Past the
window the replica has the write, or lags more than its limit and is not used. A client
that drops cookies may read its write late by up to that window. The cookie says nothing
but "read the primary"; forging it costs only a primary read.
"""

from __future__ import annotations

from starlette.datastructures import Headers, MutableHeaders
from starlette.requests import cookie_parser
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from certpass.store.database import read_route

COOKIE = "certpass-primary"
READ_METHODS = {"GET", "HEAD", "OPTIONS"}


class ReplicaReads:
    def __init__(self, app: ASGIApp, window_seconds: int, https: bool = False) -> None:
        self.app = app
        self.cookie = (f"{COOKIE}=1; Max-Age={window_seconds}; Path=/; HttpOnly; "
                       "SameSite=Lax" + ("; Secure" if https else ""))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        cookies = cookie_parser(Headers(scope=scope).get("cookie", ""))
        replica = scope["method"] in READ_METHODS and COOKIE not in cookies
        with read_route(replica) as route:

            async def marking(message: Message) -> None:
                # Headers go out after the handler ran (and wrote, if it did).
                if message["type"] == "http.response.start" and route.wrote:
                    MutableHeaders(scope=message).append("set-cookie", self.cookie)
                await send(message)

            await self.app(scope, receive, marking)
