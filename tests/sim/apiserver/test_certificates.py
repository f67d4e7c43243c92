"""The embedded cluster's CA: kept on disk privately, shared by processes starting at once, replaced when unusable,
and signing server certificates that real TLS clients verify by IP and by name."""

from __future__ import annotations

import ipaddress
import socket
import socketserver
import ssl
import stat
import tempfile
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from hyptui.sim.apiserver.certificates import ClusterAuthority, authority_directory
from hyptui.sim.apiserver.loopback import serve_in_thread
from tests.fixed_clock import FIXED_START

GREETING = b"hello over TLS"


class _Greeter(socketserver.BaseRequestHandler):
    server: _TlsGreeter

    def handle(self) -> None:
        try:
            with self.server.context.wrap_socket(self.request, server_side=True) as tls:
                tls.sendall(GREETING)
        except (ssl.SSLError, OSError):
            pass  # the client refused the certificate; the client side asserts on that


class _TlsGreeter(socketserver.TCPServer):
    def __init__(self, context: ssl.SSLContext) -> None:
        self.context = context
        super().__init__(("127.0.0.1", 0), _Greeter)


@contextmanager
def tls_server(context: ssl.SSLContext) -> Iterator[int]:
    """A server on 127.0.0.1 that greets each client over TLS with `context`; yields its port."""
    with _TlsGreeter(context) as server:
        thread = serve_in_thread(server, "tls-greeter")
        try:
            yield server.server_address[1]
        finally:
            server.shutdown()
            thread.join()


def client_context(ca_pem: bytes) -> ssl.SSLContext:
    context = ssl.create_default_context(cadata=ca_pem.decode("ascii"))
    context.verify_flags |= ssl.VERIFY_X509_STRICT  # what Python 3.13's default context checks; older ones do not
    return context


def handshake(port: int, ca_pem: bytes, server_hostname: str) -> tuple[bytes, x509.Certificate]:
    """Connects to 127.0.0.1 naming `server_hostname`, verifying against `ca_pem`: the greeting and the server's
    certificate."""
    with (
        socket.create_connection(("127.0.0.1", port)) as raw,
        client_context(ca_pem).wrap_socket(raw, server_hostname=server_hostname) as tls,
    ):
        peer = tls.getpeercert(binary_form=True)
        assert peer is not None
        return tls.recv(len(GREETING)), x509.load_der_x509_certificate(peer)


def test_files_are_created_privately_under_the_state_dir(tmp_path: Path) -> None:
    directory = authority_directory({"XDG_STATE_HOME": str(tmp_path)})
    assert directory == tmp_path / "hyptui" / "sim"

    authority = ClusterAuthority.load_or_create(directory)

    assert authority.replaced is None
    assert stat.S_IMODE(directory.stat().st_mode) == 0o700
    assert stat.S_IMODE((directory / "ca.key").stat().st_mode) == 0o600
    assert stat.S_IMODE((directory / "ca.crt").stat().st_mode) == 0o644
    assert (directory / "ca.crt").read_bytes() == authority.ca_pem
    key = serialization.load_pem_private_key((directory / "ca.key").read_bytes(), password=None)
    assert isinstance(key, ec.EllipticCurvePrivateKey) and isinstance(key.curve, ec.SECP256R1)
    assert key.public_key() == x509.load_pem_x509_certificate(authority.ca_pem).public_key()


def test_an_existing_directory_is_made_private(tmp_path: Path) -> None:
    directory = tmp_path / "sim"
    directory.mkdir(mode=0o755)
    ClusterAuthority.load_or_create(directory)
    assert stat.S_IMODE(directory.stat().st_mode) == 0o700


def test_the_ca_is_a_ten_year_signing_authority(tmp_path: Path) -> None:
    authority = ClusterAuthority.load_or_create(tmp_path, now=FIXED_START)
    ca = x509.load_pem_x509_certificate(authority.ca_pem)

    assert ca.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value == "hyptui embedded cluster CA"
    assert ca.issuer == ca.subject
    constraints = ca.extensions.get_extension_for_class(x509.BasicConstraints)
    assert constraints.critical and constraints.value.ca
    usage = ca.extensions.get_extension_for_class(x509.KeyUsage).value
    assert usage.key_cert_sign and usage.crl_sign
    assert ca.not_valid_before_utc <= FIXED_START
    assert ca.not_valid_after_utc - FIXED_START >= timedelta(days=365 * 9)


def test_a_second_load_returns_the_same_ca(tmp_path: Path) -> None:
    first = ClusterAuthority.load_or_create(tmp_path)
    key = (tmp_path / "ca.key").read_bytes()

    second = ClusterAuthority.load_or_create(tmp_path)

    assert second.ca_pem == first.ca_pem
    assert second.replaced is None
    assert (tmp_path / "ca.key").read_bytes() == key


def test_processes_starting_at_once_share_one_ca(tmp_path: Path) -> None:
    starters = 8
    start = threading.Barrier(starters)

    def start_one() -> ClusterAuthority:
        start.wait()
        return ClusterAuthority.load_or_create(tmp_path)

    with ThreadPoolExecutor(starters) as pool:
        authorities = list(pool.map(lambda _: start_one(), range(starters)))

    assert {authority.ca_pem for authority in authorities} == {(tmp_path / "ca.crt").read_bytes()}
    assert [authority.replaced for authority in authorities] == [None] * starters
    assert ClusterAuthority.load_or_create(tmp_path).replaced is None  # the key on disk matches the certificate


def test_a_real_handshake_verifies_by_ip_and_by_name(tmp_path: Path) -> None:
    authority = ClusterAuthority.load_or_create(tmp_path)
    context = authority.server_context()

    with tls_server(context) as port:
        by_ip, certificate = handshake(port, authority.ca_pem, "127.0.0.1")
        by_name, _ = handshake(port, authority.ca_pem, "localhost")

    assert by_ip == by_name == GREETING
    assert context.minimum_version == ssl.TLSVersion.TLSv1_2
    names = certificate.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert set(names.get_values_for_type(x509.IPAddress)) == {
        ipaddress.ip_address("127.0.0.1"),
        ipaddress.ip_address("::1"),
    }
    assert names.get_values_for_type(x509.DNSName) == ["localhost"]
    assert (
        ExtendedKeyUsageOID.SERVER_AUTH in certificate.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    )
    assert certificate.not_valid_after_utc - certificate.not_valid_before_utc >= timedelta(days=365)


def test_the_server_key_does_not_stay_on_disk(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    authority = ClusterAuthority.load_or_create(tmp_path / "sim")
    (tmp_path / "tmp").mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))

    authority.server_context()

    assert list((tmp_path / "tmp").iterdir()) == []


def test_the_certificate_names_only_the_hosts_asked_for(tmp_path: Path) -> None:
    authority = ClusterAuthority.load_or_create(tmp_path)

    with tls_server(authority.server_context(hosts=("127.0.0.1",))) as port:
        assert handshake(port, authority.ca_pem, "127.0.0.1")[0] == GREETING
        with pytest.raises(ssl.SSLCertVerificationError, match="localhost"):
            handshake(port, authority.ca_pem, "localhost")


def test_a_client_trusting_another_ca_refuses_the_server(tmp_path: Path) -> None:
    ours = ClusterAuthority.load_or_create(tmp_path / "ours")
    theirs = ClusterAuthority.load_or_create(tmp_path / "theirs")

    with tls_server(ours.server_context()) as port, pytest.raises(ssl.SSLCertVerificationError):
        handshake(port, theirs.ca_pem, "127.0.0.1")


def test_a_client_that_kept_the_old_ca_trusts_a_restarted_server(tmp_path: Path) -> None:
    kept_ca = ClusterAuthority.load_or_create(tmp_path).ca_pem

    restarted = ClusterAuthority.load_or_create(tmp_path)
    with tls_server(restarted.server_context()) as port:
        assert handshake(port, kept_ca, "localhost")[0] == GREETING


def test_a_corrupt_ca_certificate_is_replaced_and_says_why(tmp_path: Path) -> None:
    old = ClusterAuthority.load_or_create(tmp_path)
    (tmp_path / "ca.crt").write_text("not a certificate")

    new = ClusterAuthority.load_or_create(tmp_path)

    assert new.replaced is not None and "ca.crt" in new.replaced
    assert new.ca_pem != old.ca_pem
    assert (tmp_path / "ca.crt").read_bytes() == new.ca_pem
    assert stat.S_IMODE((tmp_path / "ca.key").stat().st_mode) == 0o600
    again = ClusterAuthority.load_or_create(tmp_path)
    assert (again.ca_pem, again.replaced) == (new.ca_pem, None)
    with tls_server(again.server_context()) as port:
        assert handshake(port, new.ca_pem, "127.0.0.1")[0] == GREETING


def test_a_key_that_does_not_match_is_replaced(tmp_path: Path) -> None:
    ClusterAuthority.load_or_create(tmp_path / "other")
    old = ClusterAuthority.load_or_create(tmp_path / "sim")
    (tmp_path / "sim" / "ca.key").write_bytes((tmp_path / "other" / "ca.key").read_bytes())

    new = ClusterAuthority.load_or_create(tmp_path / "sim")

    assert new.replaced == "ca.key is not the key of ca.crt"
    assert new.ca_pem != old.ca_pem


def test_a_missing_half_is_replaced(tmp_path: Path) -> None:
    ClusterAuthority.load_or_create(tmp_path)
    (tmp_path / "ca.key").unlink()

    new = ClusterAuthority.load_or_create(tmp_path)

    assert new.replaced is not None and "ca.key" in new.replaced
    assert ClusterAuthority.load_or_create(tmp_path).ca_pem == new.ca_pem


def test_a_ca_that_would_expire_before_a_fresh_server_certificate_is_replaced(tmp_path: Path) -> None:
    made = FIXED_START - timedelta(days=3650 - 100)
    old = ClusterAuthority.load_or_create(tmp_path, now=made)

    new = ClusterAuthority.load_or_create(tmp_path, now=FIXED_START)

    assert new.replaced is not None and "expires" in new.replaced
    assert new.ca_pem != old.ca_pem
    assert x509.load_pem_x509_certificate(new.ca_pem).not_valid_after_utc > FIXED_START + timedelta(days=365)


def test_a_ca_with_years_left_is_kept(tmp_path: Path) -> None:
    old = ClusterAuthority.load_or_create(tmp_path, now=FIXED_START - timedelta(days=2 * 365))

    kept = ClusterAuthority.load_or_create(tmp_path, now=FIXED_START)

    assert (kept.ca_pem, kept.replaced) == (old.ca_pem, None)
