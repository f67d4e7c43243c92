"""The embedded cluster's certificate authority and the TLS server certificates it signs.

EKS serves its API over HTTPS and hands clients the CA in the kubeconfig's `certificate-authority-data`; the embedded
cluster does the same. The CA is kept per user on disk (as minikube keeps `~/.minikube/ca.crt`), so a cluster that
restarts on the same port is still trusted by a client holding the old kubeconfig. Each server gets a fresh leaf
certificate signed by it.

A CA on disk that cannot be read, does not parse, does not match its key or will not outlive a fresh leaf is replaced,
and the new authority's `replaced` says why: kubeconfigs holding the old CA no longer verify and must be rewritten.
"""

from __future__ import annotations

import fcntl
import ipaddress
import os
import secrets
import ssl
import tempfile
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from hyptui.settings.atomic_file import write_atomic
from hyptui.settings.user_dirs import state_dir

CA_CERT_FILE = "ca.crt"
CA_KEY_FILE = "ca.key"
LOCK_FILE = "ca.lock"
CA_COMMON_NAME = "hyptui embedded cluster CA"
SERVER_COMMON_NAME = "hyptui embedded cluster"
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")
CA_LIFETIME = timedelta(days=3650)
LEAF_LIFETIME = timedelta(days=365)
CLOCK_SKEW = timedelta(minutes=5)  # certificates start a little in the past so a just-made one is never "not yet valid"


def authority_directory(env: Mapping[str, str] = os.environ) -> Path:
    return state_dir(env) / "sim"


def _new_key() -> ec.EllipticCurvePrivateKey:
    return ec.generate_private_key(ec.SECP256R1())  # P-256: milliseconds to generate, accepted by every TLS client


def _subject_alternative_name(host: str) -> x509.GeneralName:
    try:
        return x509.IPAddress(ipaddress.ip_address(host))
    except ValueError:
        return x509.DNSName(host)


def _key_usage(*, signs_certificates: bool) -> x509.KeyUsage:
    """A CA signs certificates and revocation lists; a server signs its TLS handshakes (ECDSA) and nothing else."""
    return x509.KeyUsage(
        digital_signature=not signs_certificates,
        content_commitment=False,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=signs_certificates,
        crl_sign=signs_certificates,
        encipher_only=False,
        decipher_only=False,
    )


def _new_authority_certificate(key: ec.EllipticCurvePrivateKey, now: datetime) -> x509.Certificate:
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, CA_COMMON_NAME)])
    public_key = key.public_key()
    return (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - CLOCK_SKEW)
        .not_valid_after(now + CA_LIFETIME)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(_key_usage(signs_certificates=True), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
        .sign(key, hashes.SHA256())
    )


class _UnusableAuthority(Exception):
    """The CA on disk cannot serve; the message says why, for the user."""


def _read_authority(directory: Path, now: datetime) -> tuple[x509.Certificate, ec.EllipticCurvePrivateKey]:
    try:
        certificate = x509.load_pem_x509_certificate((directory / CA_CERT_FILE).read_bytes())
    except (OSError, ValueError) as error:
        raise _UnusableAuthority(f"{CA_CERT_FILE} cannot be read ({error})") from error
    try:
        key = serialization.load_pem_private_key((directory / CA_KEY_FILE).read_bytes(), password=None)
    except (OSError, ValueError, TypeError, UnsupportedAlgorithm) as error:
        raise _UnusableAuthority(f"{CA_KEY_FILE} cannot be read ({error})") from error
    if not isinstance(key, ec.EllipticCurvePrivateKey) or key.public_key() != certificate.public_key():
        raise _UnusableAuthority(f"{CA_KEY_FILE} is not the key of {CA_CERT_FILE}")
    if now < certificate.not_valid_before_utc:
        raise _UnusableAuthority(f"{CA_CERT_FILE} is not valid until {certificate.not_valid_before_utc:%Y-%m-%d}")
    # a CA that expires before a fresh leaf does would leave servers that stop verifying mid-life
    if certificate.not_valid_after_utc < now + LEAF_LIFETIME:
        raise _UnusableAuthority(f"{CA_CERT_FILE} expires on {certificate.not_valid_after_utc:%Y-%m-%d}")
    return certificate, key


def _leaf_certificate(
    hosts: Sequence[str],
    key: ec.EllipticCurvePrivateKey,
    issuer: x509.Certificate,
    issuer_key: ec.EllipticCurvePrivateKey,
    now: datetime,
) -> x509.Certificate:
    public_key = key.public_key()
    return (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, SERVER_COMMON_NAME)]))
        .issuer_name(issuer.subject)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - CLOCK_SKEW)
        .not_valid_after(min(now + LEAF_LIFETIME, issuer.not_valid_after_utc))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_key_usage(signs_certificates=False), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(x509.SubjectAlternativeName([_subject_alternative_name(h) for h in hosts]), critical=False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_key.public_key()), critical=False)
        .sign(issuer_key, hashes.SHA256())
    )


class ClusterAuthority:
    """The per-user CA: `ca_pem` goes into kubeconfigs, `server_context()` into servers.

    `replaced` is None when the CA was read from disk or made for the first time, else why the one on disk was
    unusable and had to be replaced.
    """

    def __init__(
        self, certificate: x509.Certificate, key: ec.EllipticCurvePrivateKey, replaced: str | None = None
    ) -> None:
        self._certificate = certificate
        self._key = key
        self.ca_pem: bytes = certificate.public_bytes(serialization.Encoding.PEM)
        self.replaced = replaced

    @classmethod
    def load_or_create(cls, directory: Path, *, now: datetime | None = None) -> ClusterAuthority:
        """The CA kept in `directory`, made there when absent or unusable. `now` dates and judges it (default: now)."""
        now = now or datetime.now(UTC)
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        os.chmod(directory, 0o700)  # an existing directory keeps the mode it was made with
        with open(directory / LOCK_FILE, "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)  # released as the file closes
            replaced = None
            if (directory / CA_CERT_FILE).exists() or (directory / CA_KEY_FILE).exists():
                try:
                    return cls(*_read_authority(directory, now))
                except _UnusableAuthority as unusable:
                    replaced = str(unusable)
            key = _new_key()
            certificate = _new_authority_certificate(key, now)
            key_pem = key.private_bytes(
                serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
            )
            # write_atomic's temp file is 0600 from its creation, so the key is never readable by others
            write_atomic(directory / CA_KEY_FILE, key_pem.decode("ascii"), mode=0o600)
            authority = cls(certificate, key, replaced)
            write_atomic(directory / CA_CERT_FILE, authority.ca_pem.decode("ascii"), mode=0o644)
            return authority

    def server_context(self, hosts: Sequence[str] = LOOPBACK_HOSTS) -> ssl.SSLContext:
        """A TLS 1.2+ server context holding a fresh certificate for `hosts` (IP or DNS names), signed by this CA."""
        if not hosts:
            raise ValueError("a server certificate needs at least one host")
        key = _new_key()
        certificate = _leaf_certificate(hosts, key, self._certificate, self._key, datetime.now(UTC))
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.minimum_version = ssl.TLSVersion.TLSv1_2
        # load_cert_chain reads only from a file; the key is written to it encrypted, so a crash before the unlink
        # leaves nothing usable behind
        password = secrets.token_bytes(32)
        key_pem = key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.BestAvailableEncryption(password),
        )
        fd, path = tempfile.mkstemp(prefix="hyptui-server-", suffix=".pem")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(certificate.public_bytes(serialization.Encoding.PEM) + key_pem)
            context.load_cert_chain(path, password=password)
        finally:
            os.unlink(path)
        return context
