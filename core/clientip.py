"""Who the client is: the one function that says so, for history, lockout, throttles and logs.

Forwarded headers are believed only when the connecting peer is a configured proxy
(`TRUSTED_PROXIES`, addresses or networks); otherwise anyone could name any address. The
X-Forwarded-For list is read from the right, skipping the hops the trusted proxies added,
so whatever a client writes at the front of the header is never taken for its address.
"""

import functools
import ipaddress

from django.conf import settings

Address = ipaddress.IPv4Address | ipaddress.IPv6Address


@functools.lru_cache(maxsize=8)
def _networks(trusted: tuple[str, ...]) -> tuple:
    return tuple(ipaddress.ip_network(entry, strict=False) for entry in trusted)


def parse_address(value: str | None) -> Address | None:
    """An IP address from a header value (with or without a port), or None for anything else."""
    value = (value or "").strip()
    if value.startswith("["):  # [2001:db8::1]:443
        value = value[1 : value.find("]")] if "]" in value else ""
    elif value.count(":") == 1:  # 1.2.3.4:5678
        value = value.split(":")[0]
    try:
        address = ipaddress.ip_address(value)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        return address.ipv4_mapped
    return address


def is_trusted_proxy(address: Address | None) -> bool:
    if address is None:
        return False
    return any(address in network for network in _networks(tuple(settings.TRUSTED_PROXIES)))


def peer_is_trusted_proxy(request) -> bool:
    """Whether the connection itself comes from a configured proxy."""
    return is_trusted_proxy(parse_address(request.META.get("REMOTE_ADDR")))


def client_ip(request) -> str | None:
    """The client's address: the connecting peer, unless that is a trusted proxy; then the
    right-most X-Forwarded-For hop that is not one. A hop that is no address ends the walk
    at the last proxy vouched for, so only a valid address is ever returned."""
    address = parse_address(request.META.get("REMOTE_ADDR"))
    if not is_trusted_proxy(address):
        return str(address) if address else None
    hops = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
    for hop in reversed([hop for hop in hops if hop.strip()]):
        forwarded = parse_address(hop)
        if forwarded is None:
            break
        address = forwarded
        if not is_trusted_proxy(address):
            break
    return str(address)


class ClientIpThrottleMixin:
    """DRF throttles identify the client by `client_ip`, not by DRF's own reading of
    X-Forwarded-For (which takes the whole header, so a new value per request escaped)."""

    def get_ident(self, request):
        return client_ip(request) or "unknown"
