"""Addresses an editor may make the site call: https on the public internet only.

A receiver typed into the admin could otherwise point the server at itself, at the database, at the cloud's
metadata service or at anything else on the private network (server-side request forgery). The address is checked
when it is saved and again on every delivery, and the delivery connects to the very address that passed the check,
so a name that later resolves somewhere private (DNS rebinding) is refused instead of followed.
"""

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

import certifi
import urllib3


class NotPublicError(ValueError):
    """The address is not an https address on the public internet; the message says why, for the editor."""


@dataclass(frozen=True)
class Target:
    host: str
    port: int
    path: str  # path and query, as sent in the request line
    addresses: tuple[str, ...]  # every address the host resolved to, each one public


def _public(address: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    if not ip.is_global or ip.is_multicast:
        raise NotPublicError(f"It leads to {ip}, which is not a public internet address.")
    return ip


def check(url: str) -> Target:
    """Parse and resolve `url`; raise NotPublicError unless it is https and every address it resolves to is public."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port or 443
    except ValueError as error:
        raise NotPublicError(f"It is not a valid address ({error}).") from None
    if parts.scheme != "https":
        raise NotPublicError("Only https addresses can receive notices.")
    if parts.username is not None or parts.password is not None:
        raise NotPublicError("The address may not contain a user name or password.")
    host = parts.hostname
    if not host:
        raise NotPublicError("The address has no host name.")
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        raise NotPublicError(
            f"{host} could not be found; check the spelling, or try again once its DNS is set up."
        ) from None
    addresses = tuple(dict.fromkeys(str(_public(info[4][0])) for info in found))
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return Target(host=host, port=port, path=path, addresses=addresses)


def post(
    target: Target, *, body: bytes, headers: dict, timeout: float, ca_certs: str | None = None
) -> urllib3.BaseHTTPResponse:
    """POST to the first checked address, verifying the certificate for the host name (SNI and Host as usual).
    Redirects are not followed and urllib3 does not retry: the caller's retry schedule decides."""
    pool = urllib3.HTTPSConnectionPool(
        target.addresses[0],
        port=target.port,
        server_hostname=target.host,
        assert_hostname=target.host,
        cert_reqs="CERT_REQUIRED",
        ca_certs=ca_certs or certifi.where(),
        timeout=urllib3.Timeout(total=timeout),
        retries=False,
    )
    host_header = target.host if target.port == 443 else f"{target.host}:{target.port}"
    try:
        return pool.urlopen(
            "POST", target.path, body=body, headers={**headers, "Host": host_header}, redirect=False, retries=False
        )
    finally:
        pool.close()
