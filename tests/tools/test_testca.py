"""The test CA (tools/testca.py): files that load, are reused while valid, and a TLS handshake
on 127.0.0.1 that succeeds for the farm's names only."""

from __future__ import annotations

import datetime as dt
import socket
import ssl
import threading
from pathlib import Path

import pytest
from cryptography import x509

from tools.testca import TestCA, make_test_ca


@pytest.fixture(scope="module")
def test_ca(tmp_path_factory: pytest.TempPathFactory) -> TestCA:
    return make_test_ca(tmp_path_factory.mktemp("testca"))


def test_files_load_in_ssl_contexts(test_ca: TestCA) -> None:
    assert [path.name for path in (test_ca.ca, test_ca.leaf, test_ca.leaf_key)] == [
        "ca.pem",
        "leaf.pem",
        "leaf-key.pem",
    ]
    server = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server.load_cert_chain(test_ca.leaf, test_ca.leaf_key)
    client = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    client.load_verify_locations(cafile=test_ca.ca)
    assert [cert["subject"] for cert in client.get_ca_certs()] == [
        ((("organizationName", "blogtitles sample farm"),), (("commonName", "blogtitles test CA"),))
    ]
    assert test_ca.leaf_key.stat().st_mode & 0o077 == 0


def test_leaf_names_and_chain(test_ca: TestCA) -> None:
    leaf, ca = x509.load_pem_x509_certificates(test_ca.leaf.read_bytes())
    assert ca == x509.load_pem_x509_certificate(test_ca.ca.read_bytes())
    leaf.verify_directly_issued_by(ca)
    sans = leaf.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert set(sans.get_values_for_type(x509.DNSName)) == {
        "*.farm.test",
        "farm.test",
        "*.fixtures.test",
        "localhost",
    }
    assert {str(ip) for ip in sans.get_values_for_type(x509.IPAddress)} == {"127.0.0.1", "::1"}
    assert ca.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    assert not leaf.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    lifetime = ca.not_valid_after_utc - ca.not_valid_before_utc
    assert dt.timedelta(days=9) < lifetime < dt.timedelta(days=11)


def test_reused_while_valid_remade_otherwise(tmp_path: Path) -> None:
    first = make_test_ca(tmp_path)
    contents = {path: path.read_bytes() for path in (first.ca, first.leaf, first.leaf_key)}
    assert make_test_ca(tmp_path) == first
    assert {path: path.read_bytes() for path in contents} == contents
    # about to expire: a new CA and leaf
    later = dt.datetime.now(dt.UTC) + dt.timedelta(days=9, hours=12)
    make_test_ca(tmp_path, now=later)
    assert first.ca.read_bytes() != contents[first.ca]
    # a key that does not match the leaf: made anew, consistent again
    first.leaf_key.write_bytes(contents[first.leaf_key])
    make_test_ca(tmp_path)
    ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER).load_cert_chain(first.leaf, first.leaf_key)
    first.leaf.unlink()
    make_test_ca(tmp_path)
    assert first.leaf.exists()


def handshake(test_ca: TestCA, server_hostname: str, client: ssl.SSLContext | None = None) -> None:
    """A TLS handshake with a server on 127.0.0.1 presenting the leaf, the client trusting
    ``ca.pem`` (or using ``client``); raises if it fails."""
    server_context = test_ca.server_context()
    with socket.create_server(("127.0.0.1", 0)) as listener:
        listener.settimeout(5)

        def serve() -> None:
            connection, _ = listener.accept()
            try:
                with server_context.wrap_socket(connection, server_side=True) as tls:
                    tls.recv(1)  # until the client closes (or rejects the certificate)
            except (ssl.SSLError, OSError):
                pass

        thread = threading.Thread(target=serve)
        thread.start()
        try:
            with socket.create_connection(listener.getsockname(), timeout=5) as raw:
                client = client or test_ca.client_context()
                with client.wrap_socket(raw, server_hostname=server_hostname) as tls:
                    assert tls.version() in {"TLSv1.2", "TLSv1.3"}
        finally:
            thread.join(timeout=5)


@pytest.mark.integration
@pytest.mark.parametrize(
    "name", ["blog-00001.farm.test", "farm.test", "tu.fixtures.test", "localhost", "127.0.0.1"]
)
def test_handshake_succeeds_for_farm_names(test_ca: TestCA, name: str) -> None:
    handshake(test_ca, name)


@pytest.mark.integration
@pytest.mark.parametrize("name", ["example.org", "a.blog.farm.test", "127.0.0.2"])
def test_handshake_fails_for_other_names(test_ca: TestCA, name: str) -> None:
    with pytest.raises(ssl.SSLCertVerificationError):
        handshake(test_ca, name)


@pytest.mark.integration
def test_handshake_fails_with_the_system_trust_store(test_ca: TestCA) -> None:
    """The leaf is trusted through ca.pem only."""
    with pytest.raises(ssl.SSLCertVerificationError):
        handshake(test_ca, "blog-00001.farm.test", ssl.create_default_context())
