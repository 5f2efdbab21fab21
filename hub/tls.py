"""HTTPS for the hub: the branch's own certificate, and the fingerprint devices pin.

A branch has no public name and no certificate authority, so `--tls-self-signed` makes one
certificate for the hub (kept beside the database, the key owner-only) and uses it on every
start. Devices do not trust it through a CA: each device records the certificate's SHA-256
fingerprint when it enrolls and refuses any other certificate afterwards. The hub prints the
fingerprint at start-up so the person enrolling a device can compare it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import ipaddress
import os
import socket
import ssl
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from core.errors import BilingualError
from hub.server import TlsFiles

CERT_NAME = "tabour-hub.crt"
KEY_NAME = "tabour-hub.key"
VALID_DAYS = 10 * 365  # a branch's hub is replaced long before; renewing would break every pin


class TlsError(BilingualError, ValueError):
    """A certificate or key the hub cannot serve with."""


def fingerprint_of_der(der: bytes) -> str:
    """`sha256:` and the hex SHA-256 of the certificate's DER bytes (what the devices pin)."""
    return "sha256:" + hashlib.sha256(der).hexdigest()


def fingerprint_of_pem_file(path: Path) -> str:
    try:
        certificate = x509.load_pem_x509_certificate(Path(path).read_bytes())
    except (OSError, ValueError) as error:
        raise TlsError(
            f"{path} is not a readable PEM certificate ({error}).", f"الملف {path} ليس شهادة PEM مقروءة."
        ) from None
    return fingerprint_of_der(certificate.public_bytes(serialization.Encoding.DER))


def _names_for(host: str) -> list[x509.GeneralName]:
    names: list[x509.GeneralName] = [x509.DNSName("localhost")]
    addresses = {"127.0.0.1", "::1"}
    hostname = socket.gethostname()
    for name in {hostname, socket.getfqdn()}:
        if name and all(part.isascii() for part in name):
            names.append(x509.DNSName(name))
    try:
        for info in socket.getaddrinfo(hostname, None):
            addresses.add(info[4][0])
    except OSError:
        pass
    try:
        ipaddress.ip_address(host)
        if host not in ("0.0.0.0", "::"):
            addresses.add(host)
    except ValueError:
        if host and host.isascii():
            names.append(x509.DNSName(host))
    for address in sorted(addresses):
        try:
            names.append(x509.IPAddress(ipaddress.ip_address(address.split("%")[0])))
        except ValueError:
            pass
    unique: dict[str, x509.GeneralName] = {str(n.value): n for n in names}
    return list(unique.values())


def make_self_signed(folder: Path, host: str, centre_name: str = "Tabour hub") -> TlsFiles:
    """Create the branch's certificate and key in `folder` unless they exist; return them."""
    folder = Path(folder)
    files = TlsFiles(folder / CERT_NAME, folder / KEY_NAME)
    if files.certificate.exists() and files.key.exists():
        return files
    folder.mkdir(parents=True, exist_ok=True)
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, "Tabour hub"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, (centre_name or "Tabour")[:64]),
        ]
    )
    now = dt.datetime.now(dt.timezone.utc)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=VALID_DAYS))
        .add_extension(x509.SubjectAlternativeName(_names_for(host)), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]), critical=False
        )
        .sign(key, hashes.SHA256())
    )
    key_pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    _write_new(files.key, key_pem, 0o600)
    _write_new(files.certificate, certificate.public_bytes(serialization.Encoding.PEM), 0o644)
    return files


def _write_new(path: Path, data: bytes, mode: int) -> None:
    temporary = path.with_name(path.name + ".new")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, path)


def check_files(files: TlsFiles) -> str:
    """Load the pair as the server will; return the certificate's fingerprint."""
    for path, what_en, what_ar in ((files.certificate, "certificate", "الشهادة"), (files.key, "key", "المفتاح")):
        if not Path(path).is_file():
            raise TlsError(f"The TLS {what_en} {path} does not exist.", f"ملف {what_ar} {path} غير موجود.")
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    try:
        context.load_cert_chain(files.certificate, files.key)
    except (ssl.SSLError, OSError, ValueError) as error:
        raise TlsError(
            f"The TLS certificate {files.certificate} and key {files.key} cannot be used together ({error}).",
            f"لا يمكن استخدام الشهادة {files.certificate} مع المفتاح {files.key}.",
        ) from None
    return fingerprint_of_pem_file(files.certificate)
