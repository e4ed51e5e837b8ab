"""Throw-away TLS material for the site farm.

A private CA is generated at start (EC P-256, a few milliseconds) and a leaf certificate is
issued on demand for every server name a client asks for (SNI), so ``https://acme.test/`` gets a
certificate that names ``acme.test``. Clients that do not verify (Scrapy's default) need nothing;
clients that do can trust :attr:`FarmTLS.ca_path`. Nothing here is ever written outside a
temporary directory that is removed by :meth:`FarmTLS.cleanup`.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import shutil
import ssl
import tempfile
import threading
from collections.abc import Iterable
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

DEFAULT_NAMES = ("localhost", "*.test", "test")
GROUP_SIZE = 100


def _name(common_name: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Stackscout test farm"),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name[:64]),
        ]
    )


def _pem_key(key: ec.EllipticCurvePrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


class FarmTLS:
    """A CA plus a cache of per-host server contexts (selected through SNI)."""

    def __init__(self) -> None:
        self._dir = Path(tempfile.mkdtemp(prefix="stackscout-farm-tls-"))
        self._lock = threading.Lock()
        now = dt.datetime.now(dt.UTC)
        self._not_before = now - dt.timedelta(days=1)
        self._not_after = now + dt.timedelta(days=30)
        self._ca_key = ec.generate_private_key(ec.SECP256R1())
        ca_name = _name("Stackscout farm CA")
        self._ca_cert = (
            x509.CertificateBuilder()
            .subject_name(ca_name)
            .issuer_name(ca_name)
            .public_key(self._ca_key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(self._not_before)
            .not_valid_after(self._not_after)
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(
                x509.KeyUsage(
                    digital_signature=True,
                    content_commitment=False,
                    key_encipherment=False,
                    data_encipherment=False,
                    key_agreement=False,
                    key_cert_sign=True,
                    crl_sign=True,
                    encipher_only=False,
                    decipher_only=False,
                ),
                critical=True,
            )
            .sign(self._ca_key, hashes.SHA256())
        )
        self.ca_pem: bytes = self._ca_cert.public_bytes(serialization.Encoding.PEM)
        self.ca_path: Path = self._dir / "ca.pem"
        self.ca_path.write_bytes(self.ca_pem)
        # One leaf key for every host certificate: only the certificates differ.
        self._leaf_key = ec.generate_private_key(ec.SECP256R1())
        self._key_path = self._dir / "leaf-key.pem"
        self._key_path.write_bytes(_pem_key(self._leaf_key))
        self._contexts: dict[str, ssl.SSLContext] = {}
        self._groups: dict[str, tuple[str, ...]] = {}
        self._clients: dict[bool, ssl.SSLContext] = {}
        self.default_context = self._make_context(DEFAULT_NAMES, "default")
        self.default_context.sni_callback = self._sni_callback

    # -- certificates ---------------------------------------------------------------------------

    def issue(self, names: tuple[str, ...]) -> bytes:
        """PEM certificate for ``names`` (DNS names or IP addresses), signed by the farm CA."""
        alt: list[x509.GeneralName] = []
        for name in names:
            try:
                alt.append(x509.IPAddress(ipaddress.ip_address(name)))
            except ValueError:
                alt.append(x509.DNSName(name))
        alt.append(x509.IPAddress(ipaddress.ip_address("127.0.0.1")))
        cert = (
            x509.CertificateBuilder()
            .subject_name(_name(names[0]))
            .issuer_name(self._ca_cert.subject)
            .public_key(self._leaf_key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(self._not_before)
            .not_valid_after(self._not_after)
            .add_extension(x509.SubjectAlternativeName(alt), critical=False)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
            .sign(self._ca_key, hashes.SHA256())
        )
        return cert.public_bytes(serialization.Encoding.PEM) + self.ca_pem

    def _make_context(self, names: tuple[str, ...], label: str) -> ssl.SSLContext:
        cert_path = self._dir / f"{label}.pem"
        cert_path.write_bytes(self.issue(names))
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.minimum_version = ssl.TLSVersion.TLSv1_2
        ctx.load_cert_chain(cert_path, self._key_path)
        ctx.set_alpn_protocols(["http/1.1"])
        return ctx

    def register_hosts(self, hosts: Iterable[str]) -> None:
        """Group known host names so one certificate covers up to ``GROUP_SIZE`` of them.

        Loading a certificate into an SSLContext costs a few ms (OpenSSL decoders), so a
        5,000-site farm shares ~100 certificates instead of issuing 10,000. Names not
        registered get a certificate of their own on first use.
        """
        with self._lock:
            fresh = sorted({h.lower().rstrip(".") for h in hosts} - self._groups.keys())
            for start in range(0, len(fresh), GROUP_SIZE):
                group = tuple(fresh[start : start + GROUP_SIZE])
                for name in group:
                    self._groups[name] = group

    def context_for(self, server_name: str) -> ssl.SSLContext:
        server_name = server_name.lower().rstrip(".")
        with self._lock:
            names = self._groups.get(server_name, (server_name,))
            ctx = self._contexts.get(names[0])
            if ctx is None:
                safe = "".join(c if c.isalnum() or c in ".-" else "_" for c in names[0])
                ctx = self._make_context(names, f"host-{safe}-{len(names)}")
                for name in names:
                    self._contexts[name] = ctx
            return ctx

    def _sni_callback(
        self, sslobj: ssl.SSLObject | ssl.SSLSocket, server_name: str | None, _ctx: ssl.SSLContext
    ) -> None:
        if server_name:
            try:
                sslobj.context = self.context_for(server_name)
            except Exception:  # keep the default certificate rather than failing the handshake
                return

    def client_context(self, verify: bool = True) -> ssl.SSLContext:
        """A client context trusting the farm CA (or not verifying at all); cached."""
        with self._lock:
            ctx = self._clients.get(verify)
            if ctx is None:
                ctx = self._clients[verify] = self._client_context(verify)
            return ctx

    def _client_context(self, verify: bool) -> ssl.SSLContext:
        if not verify:
            ctx = ssl.create_default_context()
            ctx.check_hostname = False
            ctx.verify_mode = ssl.CERT_NONE
            return ctx
        return ssl.create_default_context(cadata=self.ca_pem.decode("ascii"))

    def cleanup(self) -> None:
        shutil.rmtree(self._dir, ignore_errors=True)
