"""A throwaway certificate authority for HTTPS on the farm: ``python -m tools.testca DIR``.

Writes three files into DIR: ``ca.pem`` (the CA's certificate, to trust), ``leaf.pem`` (the
server's certificate, then the CA's: the chain a server sends) and ``leaf-key.pem`` (its key,
mode 0600). The leaf is valid for ``*.farm.test``, ``farm.test``, ``*.fixtures.test``,
``localhost``, 127.0.0.1 and ::1. Both certificates are valid for 10 days; the CA's key is never
written (a new leaf means a new CA), and the CA carries name constraints that limit it to those
names and loopback addresses, so trusting ``ca.pem`` by mistake lets it vouch for nothing else.

Idempotent: files that exist, match each other and stay valid for another day are kept.
"""

from __future__ import annotations

import argparse
import datetime as dt
import ipaddress
import os
import ssl
import sys
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

#: Names and addresses the leaf certificate is valid for.
LEAF_DNS_NAMES = ("*.farm.test", "farm.test", "*.fixtures.test", "localhost")
LEAF_IP_ADDRESSES = ("127.0.0.1", "::1")
VALIDITY = dt.timedelta(days=10)
#: Files valid for less than this are made anew.
MIN_REMAINING = dt.timedelta(days=1)
_PERMITTED: list[x509.GeneralName] = [
    x509.DNSName("farm.test"),
    x509.DNSName("fixtures.test"),
    x509.DNSName("localhost"),
    x509.IPAddress(ipaddress.ip_network("127.0.0.0/8")),
    x509.IPAddress(ipaddress.ip_network("::1/128")),
]


@dataclass(frozen=True)
class TestCA:
    """The files of a test CA (see the module's docstring)."""

    __test__ = False  # not a pytest test class

    directory: Path
    ca: Path
    leaf: Path
    leaf_key: Path

    @classmethod
    def at(cls, directory: Path) -> TestCA:
        return cls(
            directory, directory / "ca.pem", directory / "leaf.pem", directory / "leaf-key.pem"
        )

    def server_context(self) -> ssl.SSLContext:
        """A TLS server context presenting the leaf (and the CA, as its chain)."""
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(self.leaf, self.leaf_key)
        return context

    def client_context(self) -> ssl.SSLContext:
        """A TLS client context trusting this CA only (hostnames checked)."""
        return ssl.create_default_context(cafile=str(self.ca))


def make_test_ca(directory: Path, *, now: dt.datetime | None = None) -> TestCA:
    """The test CA in ``directory``: kept if still valid, else created (see module docstring)."""
    now = now or dt.datetime.now(dt.UTC)
    files = TestCA.at(Path(directory))
    if _still_valid(files, now):
        return files
    files.directory.mkdir(parents=True, exist_ok=True)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    leaf_key = ec.generate_private_key(ec.SECP256R1())
    ca_cert = _ca_certificate(ca_key, now)
    leaf_cert = _leaf_certificate(leaf_key, ca_cert, ca_key, now)
    pem = serialization.Encoding.PEM
    key_pem = leaf_key.private_bytes(
        pem, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    _write(files.leaf_key, key_pem, mode=0o600)
    _write(files.leaf, leaf_cert.public_bytes(pem) + ca_cert.public_bytes(pem))
    _write(files.ca, ca_cert.public_bytes(pem))
    return files


def _ca_certificate(key: ec.EllipticCurvePrivateKey, now: dt.datetime) -> x509.Certificate:
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "blogtitles sample farm"),
            x509.NameAttribute(NameOID.COMMON_NAME, "blogtitles test CA"),
        ]
    )
    public = key.public_key()
    return (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(public)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(hours=1))
        .not_valid_after(now + VALIDITY)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=False,
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
        .add_extension(x509.NameConstraints(_PERMITTED, None), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public), critical=False)
        .sign(key, hashes.SHA256())
    )


def _leaf_certificate(
    key: ec.EllipticCurvePrivateKey,
    ca_cert: x509.Certificate,
    ca_key: ec.EllipticCurvePrivateKey,
    now: dt.datetime,
) -> x509.Certificate:
    names: list[x509.GeneralName] = [x509.DNSName(name) for name in LEAF_DNS_NAMES]
    names += [x509.IPAddress(ipaddress.ip_address(ip)) for ip in LEAF_IP_ADDRESSES]
    ca_ski = ca_cert.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value
    return (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "farm.test")]))
        .issuer_name(ca_cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(hours=1))
        .not_valid_after(now + VALIDITY)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(x509.SubjectAlternativeName(names), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(ca_ski), critical=False
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )


def _still_valid(files: TestCA, now: dt.datetime) -> bool:
    """Whether the three files exist, belong together and stay valid long enough."""
    try:
        ca = x509.load_pem_x509_certificate(files.ca.read_bytes())
        chain = x509.load_pem_x509_certificates(files.leaf.read_bytes())
        key = serialization.load_pem_private_key(files.leaf_key.read_bytes(), password=None)
    except (OSError, ValueError):
        return False
    leaf = chain[0]
    if len(chain) != 2 or chain[1] != ca or key.public_key() != leaf.public_key():
        return False
    try:
        leaf.verify_directly_issued_by(ca)
    except (ValueError, TypeError, InvalidSignature):
        return False
    try:
        sans = leaf.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    except x509.ExtensionNotFound:
        return False
    wanted = {*LEAF_DNS_NAMES, *(ipaddress.ip_address(ip) for ip in LEAF_IP_ADDRESSES)}
    if (
        set(sans.get_values_for_type(x509.DNSName)) | set(sans.get_values_for_type(x509.IPAddress))
        != wanted
    ):
        return False
    for cert in (ca, leaf):
        if cert.not_valid_before_utc > now or cert.not_valid_after_utc < now + MIN_REMAINING:
            return False
    return True


def _write(path: Path, data: bytes, mode: int = 0o644) -> None:
    """Write ``data`` to ``path`` at once (a temporary file renamed over it)."""
    temporary = path.with_name(path.name + ".tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    with os.fdopen(descriptor, "wb") as file:
        file.write(data)
    os.chmod(temporary, mode)
    temporary.replace(path)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tools.testca", description=__doc__.split("\n")[0]
    )
    parser.add_argument(
        "directory", type=Path, help="where to write ca.pem, leaf.pem, leaf-key.pem"
    )
    args = parser.parse_args(argv)
    files = make_test_ca(args.directory)
    print(f"ca={files.ca} leaf={files.leaf} leaf_key={files.leaf_key}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
