"""Where a webhook may go: URLs parsed the way the sender (httpx) parses them, and the
addresses they resolve to checked against loopback, private, link-local (cloud metadata
169.254.169.254 among them), shared, multicast and reserved ranges. Operators may allow some
networks (``webhook_allowed_networks``, e.g. 127.0.0.1/32 for local testing).

The check runs when a subscription is made and again for every delivery, on the address the
connection then uses (``pinned``): a name that resolved to a public address at subscribe
time and to an internal one later (DNS rebinding) is refused at delivery."""

from __future__ import annotations

import ipaddress
import re
import socket
from collections.abc import Callable
from dataclasses import dataclass

import httpx

from certpass.errors import InvalidInput, InvalidSetting

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Resolver = Callable[[str, int], list[str]]
_CONTROL = re.compile(r"[\x00-\x20\x7f-\x9f]")
_HOSTNAME = re.compile(r"^[A-Za-z0-9.\-_:\[\]%]+$")


class EgressRefused(Exception):
    """A delivery not made: the generic reason is what subscribers see."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Target:
    url: httpx.URL
    host: str
    port: int


def parse(url: str) -> Target:
    """A webhook URL as httpx will send it, or InvalidInput saying what is wrong."""
    hint = "give the full URL of your receiver, e.g. https://example.org/certpass-hook"
    if _CONTROL.search(url):
        raise InvalidInput("a webhook URL must not hold spaces or control characters",
                           hint=hint)
    try:
        parsed = httpx.URL(url)
    except (httpx.InvalidURL, ValueError, TypeError):
        raise InvalidInput("this webhook URL cannot be parsed", hint=hint) from None
    if parsed.scheme not in ("http", "https") or not parsed.host:
        raise InvalidInput(f"a webhook URL is http:// or https:// with a host; got {url!r}",
                           hint=hint)
    if parsed.userinfo:
        raise InvalidInput("a webhook URL must not carry credentials",
                           hint="authenticate deliveries with the signature header instead")
    if not _HOSTNAME.match(parsed.host):
        raise InvalidInput("the webhook URL's host is not a valid name or address", hint=hint)
    port = parsed.port or (443 if parsed.scheme == "https" else 80)
    return Target(parsed, parsed.host, port)


def allowed_networks(setting: str) -> tuple[Network, ...]:
    try:
        return tuple(ipaddress.ip_network(part.strip(), strict=False)
                     for part in setting.split(",") if part.strip())
    except ValueError as exc:
        raise InvalidSetting(f"webhook_allowed_networks: {exc}",
                             hint="a comma-separated list of networks, e.g. 127.0.0.1/32") from exc


def _plain(address: IPAddress) -> IPAddress:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped  # ::ffff:127.0.0.1 is 127.0.0.1
    return address


def permitted(address: str, allowed: tuple[Network, ...]) -> bool:
    """A public (globally routable, unicast) address, or one in an allowed network."""
    ip = _plain(ipaddress.ip_address(address.split("%", 1)[0]))
    if any(ip.version == net.version and ip in net for net in allowed):
        return True
    return ip.is_global and not ip.is_multicast


def resolve(host: str, port: int) -> list[str]:
    """Every address the host has (an IP literal is itself)."""
    try:
        return [str(ipaddress.ip_address(host.strip("[]")))]
    except ValueError:
        pass
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def check_at_subscribe(url: str, allowed: tuple[Network, ...],
                       resolver: Resolver = resolve) -> str:
    """The URL, if it may be subscribed: refused when it names or resolves to a forbidden
    address. A name that does not resolve now is accepted (the delivery checks again)."""
    target = parse(url)
    try:
        addresses = resolver(target.host, target.port)
    except (OSError, UnicodeError):
        return str(target.url)
    if not addresses or not all(permitted(a, allowed) for a in addresses):
        raise InvalidInput("this webhook URL points to a loopback, private, link-local or "
                           "otherwise internal address",
                           hint="give a receiver reachable on the public internet")
    return str(target.url)


@dataclass(frozen=True)
class Pinned:
    """The request to send: the URL with the checked address, the Host header and the TLS
    server name of the original host."""

    url: httpx.URL
    host_header: str
    sni_hostname: str | None


def pinned(url: str, allowed: tuple[Network, ...], resolver: Resolver = resolve) -> Pinned:
    """Resolve once, check every address, and pin the connection to the first one."""
    try:
        target = parse(url)
    except InvalidInput:
        raise EgressRefused("invalid URL") from None
    try:
        addresses = resolver(target.host, target.port)
    except (OSError, UnicodeError):
        raise EgressRefused("the host name does not resolve") from None
    if not addresses or not all(permitted(a, allowed) for a in addresses):
        raise EgressRefused("the address is not allowed")
    default = 443 if target.url.scheme == "https" else 80
    host_header = target.host if target.port == default else f"{target.host}:{target.port}"
    if ":" in target.host and target.port != default:
        host_header = f"[{target.host}]:{target.port}"
    elif ":" in target.host:
        host_header = f"[{target.host}]"
    is_name = addresses[0] != target.host.strip("[]")
    return Pinned(target.url.copy_with(host=addresses[0]), host_header,
                  target.host if target.url.scheme == "https" and is_name else None)
