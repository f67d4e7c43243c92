"""The proxy kubectl would use for a request: the cluster's proxy-url, else Go's HTTP(S)_PROXY and NO_PROXY rules.

Go never proxies localhost or a loopback address whatever the environment says; that keeps a user's corporate
HTTPS_PROXY away from the embedded cluster on 127.0.0.1.
"""

from __future__ import annotations

import ipaddress
import os
import re
from collections.abc import Mapping
from urllib.parse import urlsplit

_PROXY_VARIABLES = {"https": ("HTTPS_PROXY", "https_proxy"), "http": ("HTTP_PROXY", "http_proxy")}
_DEFAULT_PORTS = {"https": "443", "http": "80"}
_USABLE_SCHEMES = ("http", "https")  # aiohttp, the client under kubernetes.aio, has no SOCKS support
_USERINFO = re.compile(r"//[^/@]*@")

IpAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


class ProxyError(Exception):
    """A proxy hyptui cannot use; the message says where it was set."""


def proxy_for(url: str, proxy_url: str | None, env: Mapping[str, str] = os.environ) -> str | None:
    """The proxy URL for a request to `url`, or None to connect directly.

    A cluster's proxy-url applies to every request, as in client-go; otherwise HTTPS_PROXY serves https URLs and
    HTTP_PROXY http ones (the uppercase name first), unless NO_PROXY or the loopback rule exempts the host.
    """
    if proxy_url:
        return _usable(proxy_url, "the kubeconfig's proxy-url")
    target = urlsplit(url)
    names = _PROXY_VARIABLES.get(target.scheme)
    if names is None:
        return None
    name, value = next(((name, env[name]) for name in names if env.get(name)), ("", ""))
    if not value:
        return None
    try:
        port = str(target.port or _DEFAULT_PORTS[target.scheme])
    except ValueError:  # not a numeric port; the default is what Go would compare against
        port = _DEFAULT_PORTS[target.scheme]
    if not _proxied(_ascii(target.hostname or ""), port, env.get("NO_PROXY") or env.get("no_proxy") or ""):
        return None
    return _usable(value if "://" in value else f"http://{value}", name)


def _proxied(host: str, port: str, no_proxy: str) -> bool:
    if host == "localhost":
        return False
    ip = _ip(host)
    if ip is not None and ip.is_loopback:
        return False
    for raw in no_proxy.split(","):
        entry = raw.strip().lower()
        if entry == "*" or (entry and _exempts(entry, host, port, ip)):
            return False
    return True


def _exempts(entry: str, host: str, port: str, ip: IpAddress | None) -> bool:
    """One NO_PROXY entry: a CIDR, an IP, or a domain (`a.com` and `.a.com` cover subdomains), each with an optional
    `:port`."""
    if "/" in entry:
        try:
            network = ipaddress.ip_network(entry, strict=False)
        except ValueError:
            return False
        return ip is not None and ip in network
    entry_host, entry_port = _split_host_port(entry)
    if not entry_host or entry_port not in ("", port):
        return False
    entry_ip = _ip(entry_host)
    if entry_ip is not None:
        return ip == entry_ip
    domain = _ascii(entry_host[1:] if entry_host.startswith("*.") else entry_host)
    if domain.startswith("."):
        return host.endswith(domain)
    return host == domain or host.endswith(f".{domain}")


def _split_host_port(entry: str) -> tuple[str, str]:
    if entry.startswith("["):
        host, _, rest = entry[1:].partition("]")
        return host, rest.removeprefix(":")
    if entry.count(":") == 1:
        host, _, port = entry.partition(":")
        return host, port
    return entry, ""  # a bare IPv6 address or a plain host


def _ip(host: str) -> IpAddress | None:
    """The address, with an IPv4-mapped IPv6 address taken as its IPv4 one, as Go compares them."""
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def _ascii(host: str) -> str:
    if host.isascii():
        return host
    try:
        return host.encode("idna").decode("ascii")
    except UnicodeError:
        return host


def _usable(proxy: str, origin: str) -> str:
    shown = _USERINFO.sub("//", proxy)  # keep a proxy's password off the screen
    scheme = proxy.partition("://")[0].lower()
    if scheme == "socks5":
        raise ProxyError(
            f"{origin} {shown} is a SOCKS5 proxy; hyptui's HTTP client can only use http:// and https:// proxies"
        )
    if scheme not in _USABLE_SCHEMES or not _has_host(proxy):
        raise ProxyError(f"{origin} {shown} is not an http:// or https:// proxy URL such as http://proxy:3128")
    return proxy


def _has_host(url: str) -> bool:
    try:
        parts = urlsplit(url)
        return bool(parts.hostname) and parts.port != 0
    except ValueError:  # a broken IPv6 literal, or a port that is not a number
        return False
