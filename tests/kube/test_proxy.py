"""The proxy a request goes through, by kubectl's rules: the cluster's proxy-url, else Go's environment rules."""

from __future__ import annotations

import pytest

from hyptui.kube.proxy import ProxyError, proxy_for

CORP = "http://proxy.corp:3128"
SECURE = "https://secure-proxy.corp:443"
EKS = "https://ABC123.gr7.us-east-2.eks.amazonaws.com"
BOTH = {"HTTPS_PROXY": CORP, "HTTP_PROXY": SECURE}

CASES = [
    # (request URL, kubeconfig proxy-url, environment, proxy expected)
    ("no proxy anywhere", EKS, None, {}, None),
    ("https uses HTTPS_PROXY", EKS, None, BOTH, CORP),
    ("http uses HTTP_PROXY", "http://api.internal:8080", None, BOTH, SECURE),
    ("https never falls back on HTTP_PROXY", EKS, None, {"HTTP_PROXY": CORP}, None),
    ("lowercase works", EKS, None, {"https_proxy": CORP}, CORP),
    ("uppercase wins", EKS, None, {"HTTPS_PROXY": CORP, "https_proxy": SECURE}, CORP),
    ("an empty uppercase falls to lowercase", EKS, None, {"HTTPS_PROXY": "", "https_proxy": CORP}, CORP),
    ("no scheme means http", EKS, None, {"HTTPS_PROXY": "proxy.corp:3128"}, CORP),
    ("an IP without scheme", EKS, None, {"HTTPS_PROXY": "10.0.0.9:3128"}, "http://10.0.0.9:3128"),
    ("an https proxy", EKS, None, {"HTTPS_PROXY": SECURE}, SECURE),
    ("other request schemes go direct", "wss://api.example", None, BOTH, None),
    # loopback is never proxied, whatever the environment says
    ("localhost", "https://localhost:6443", None, BOTH, None),
    ("127.0.0.1 (the embedded cluster)", "https://127.0.0.1:52113", None, BOTH, None),
    ("all of 127/8", "http://127.8.9.10:80", None, BOTH, None),
    ("IPv6 loopback", "https://[::1]:6443", None, BOTH, None),
    ("IPv4-mapped loopback", "https://[::ffff:127.0.0.1]:6443", None, BOTH, None),
    ("a subdomain of localhost is not special", "https://api.localhost", None, BOTH, CORP),
    # NO_PROXY
    ("star", EKS, None, {**BOTH, "NO_PROXY": "*"}, None),
    ("star among others", EKS, None, {**BOTH, "NO_PROXY": "corp.example, *"}, None),
    ("exact host", "https://api.corp.example", None, {**BOTH, "NO_PROXY": "api.corp.example"}, None),
    ("a domain covers its subdomains", EKS, None, {**BOTH, "NO_PROXY": "amazonaws.com"}, None),
    ("a dotted domain covers its subdomains", EKS, None, {**BOTH, "NO_PROXY": ".amazonaws.com"}, None),
    (
        "a dotted domain is not the domain itself",
        "https://amazonaws.com",
        None,
        {**BOTH, "NO_PROXY": ".amazonaws.com"},
        CORP,
    ),
    ("a plain domain is the domain itself", "https://amazonaws.com", None, {**BOTH, "NO_PROXY": "amazonaws.com"}, None),
    ("*. is a dotted domain", EKS, None, {**BOTH, "NO_PROXY": "*.amazonaws.com"}, None),
    ("a suffix is not a subdomain", "https://notamazonaws.com", None, {**BOTH, "NO_PROXY": "amazonaws.com"}, CORP),
    ("case and spaces are ignored", EKS, None, {**BOTH, "NO_PROXY": " , AmazonAWS.com "}, None),
    ("lowercase no_proxy", EKS, None, {**BOTH, "no_proxy": "amazonaws.com"}, None),
    ("uppercase NO_PROXY wins", EKS, None, {**BOTH, "NO_PROXY": "example.org", "no_proxy": "amazonaws.com"}, CORP),
    ("host:port matching the default port", EKS, None, {**BOTH, "NO_PROXY": "amazonaws.com:443"}, None),
    ("host:port on another port", EKS, None, {**BOTH, "NO_PROXY": "amazonaws.com:6443"}, CORP),
    ("an IP", "https://10.1.2.3:6443", None, {**BOTH, "NO_PROXY": "10.1.2.3"}, None),
    ("another IP", "https://10.1.2.4:6443", None, {**BOTH, "NO_PROXY": "10.1.2.3"}, CORP),
    ("an IP with its port", "https://10.1.2.3:6443", None, {**BOTH, "NO_PROXY": "10.1.2.3:6443"}, None),
    ("an IP with another port", "https://10.1.2.3:6443", None, {**BOTH, "NO_PROXY": "10.1.2.3:443"}, CORP),
    ("a CIDR", "https://10.200.0.7", None, {**BOTH, "NO_PROXY": "10.0.0.0/8"}, None),
    ("outside the CIDR", "https://11.0.0.1", None, {**BOTH, "NO_PROXY": "10.0.0.0/8"}, CORP),
    ("a CIDR with host bits", "https://10.200.0.7", None, {**BOTH, "NO_PROXY": "10.9.9.9/8"}, None),
    ("an IPv6 CIDR", "https://[fd00::5]:6443", None, {**BOTH, "NO_PROXY": "fd00::/8"}, None),
    ("an IPv6 address", "https://[fd00::5]:6443", None, {**BOTH, "NO_PROXY": "fd00::5"}, None),
    ("an IPv6 address with port", "https://[fd00::5]:6443", None, {**BOTH, "NO_PROXY": "[fd00::5]:6443"}, None),
    ("a CIDR does not cover names", EKS, None, {**BOTH, "NO_PROXY": "0.0.0.0/0"}, CORP),
    ("a name does not cover IPs", "https://10.1.2.3", None, {**BOTH, "NO_PROXY": "corp.example"}, CORP),
    ("a malformed entry is skipped", EKS, None, {**BOTH, "NO_PROXY": ":443,10.0.0.0/99,amazonaws.com"}, None),
    (
        "an internationalised domain",
        "https://bücher.example",
        None,
        {**BOTH, "NO_PROXY": "xn--bcher-kva.example"},
        None,
    ),
    # the kubeconfig's proxy-url
    ("proxy-url beats the environment", EKS, SECURE, {"HTTPS_PROXY": CORP}, SECURE),
    ("proxy-url ignores NO_PROXY", EKS, CORP, {"NO_PROXY": "*"}, CORP),
    ("proxy-url applies even to loopback", "https://127.0.0.1:6443", CORP, {}, CORP),
    ("proxy-url applies to http too", "http://api.internal", CORP, {}, CORP),
]


@pytest.mark.parametrize(
    ("url", "proxy_url", "env", "expected"),
    [pytest.param(*case[1:], id=case[0]) for case in CASES],
)
def test_the_proxy_kubectl_would_use(
    url: str, proxy_url: str | None, env: dict[str, str], expected: str | None
) -> None:
    assert proxy_for(url, proxy_url, env) == expected


@pytest.mark.parametrize(
    ("proxy_url", "env", "expected"),
    [
        pytest.param(
            "socks5://bastion:1080",
            {},
            "the kubeconfig's proxy-url socks5://bastion:1080 is a SOCKS5 proxy; hyptui's HTTP client can only use "
            "http:// and https:// proxies",
            id="socks5-proxy-url",
        ),
        pytest.param(
            None,
            {"HTTPS_PROXY": "socks5://user:secret@bastion:1080"},
            "HTTPS_PROXY socks5://bastion:1080 is a SOCKS5 proxy",
            id="socks5-env-hides-password",
        ),
        pytest.param(
            None,
            {"https_proxy": "ftp://proxy.corp"},
            "https_proxy ftp://proxy.corp is not an http:// or https:// proxy URL such as http://proxy:3128",
            id="other-scheme",
        ),
        pytest.param(
            None,
            {"HTTPS_PROXY": "http://proxy.corp:port"},
            "HTTPS_PROXY http://proxy.corp:port is not an http:// or https:// proxy URL",
            id="bad-port",
        ),
        pytest.param("http://", {}, "the kubeconfig's proxy-url http:// is not an http:// or https://", id="no-host"),
    ],
)
def test_a_proxy_hyptui_cannot_use_is_an_error_naming_where_it_was_set(
    proxy_url: str | None, env: dict[str, str], expected: str
) -> None:
    with pytest.raises(ProxyError) as raised:
        proxy_for("https://eks.example", proxy_url, env)
    assert expected in str(raised.value)
    assert "secret" not in str(raised.value)


def test_an_unusable_environment_proxy_is_no_error_for_a_host_it_does_not_serve() -> None:
    env = {"HTTPS_PROXY": "socks5://bastion:1080", "NO_PROXY": "corp.example"}
    assert proxy_for("https://127.0.0.1:6443", None, env) is None
    assert proxy_for("https://api.corp.example", None, env) is None
