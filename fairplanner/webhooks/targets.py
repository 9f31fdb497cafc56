"""Where a webhook may go: `https` (plain `http` only where WEBHOOKS_ALLOW_HTTP is set, as in
development and tests), and never to an address of this machine or a private network. The
host is resolved once, every address checked, and the request then goes to the checked
address (the Host header and TLS name keep the host), so DNS cannot answer differently
between the check and the connection (rebinding)."""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

from flask_babel import gettext as _


class TargetRefused(ValueError):
    """The URL may not be called; the message says why, in the user's language."""


class PrivateTarget(TargetRefused):
    """The host resolves to an address on loopback, a private or a link-local network."""


@dataclass(frozen=True)
class Target:
    scheme: str
    host: str  # as written in the URL (Host header, TLS server name)
    port: int
    path: str  # path and query
    address: str  # the resolved and checked IP address to connect to


def forbidden(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    """Loopback, private, link-local, multicast, reserved, unspecified or otherwise not
    globally reachable (e.g. 100.64/10, documentation ranges)."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return forbidden(address.ipv4_mapped)
    return (
        address.is_loopback
        or address.is_private
        or address.is_link_local
        or address.is_multicast
        or address.is_reserved
        or address.is_unspecified
        or not address.is_global
    )


def check_url(url: str, *, allow_http: bool) -> tuple[str, str, int, str]:
    """The URL's (scheme, host, port, path) if its form is acceptable; no DNS yet."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError as exc:
        raise TargetRefused(_("This address is not a valid URL.")) from exc
    schemes = ("https", "http") if allow_http else ("https",)
    if parts.scheme not in schemes:
        raise TargetRefused(_("The address must start with https://."))
    if not parts.hostname:
        raise TargetRefused(_("The address has no host name."))
    if parts.username or parts.password:
        raise TargetRefused(_("The address must not contain a user name or password."))
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    default = 443 if parts.scheme == "https" else 80
    return parts.scheme, parts.hostname, port or default, path


def resolve(url: str, *, allow_http: bool, allow_private: bool) -> Target:
    """Check the URL, resolve its host and check every address it has."""
    scheme, host, port, path = check_url(url, allow_http=allow_http)
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise TargetRefused(_("The host name could not be found.")) from exc
    addresses = []
    for info in infos:
        # The scope of an IPv6 link-local address ("fe80::1%eth0") is not part of the address.
        address = ipaddress.ip_address(str(info[4][0]).split("%", 1)[0])
        if not allow_private and forbidden(address):
            raise PrivateTarget(
                _("The address leads to a private or local network, where webhooks cannot go.")
            )
        addresses.append(address)
    if not addresses:
        raise TargetRefused(_("The host name could not be found."))
    return Target(scheme, host, port, path, str(addresses[0]))
