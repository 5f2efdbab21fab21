"""Command-line roles served by the hub package: `hub`, `clerk …` and `backup`."""

from __future__ import annotations

import argparse
import errno
import getpass
import ipaddress
import json
import logging
import os
import socket
import sqlite3
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from platformdirs import user_data_dir

from core import commands, queries
from core.config import DEMO_CONFIG, load_config
from core.errors import BadInput, ConfigError, NotFound, TabourError
from core.models import Role
from core.logs import log_event
from core.enrollment import kept_enroll_code
from core.security import check_pin_strength, enroll_code_problem, hash_pin, new_enroll_code
from core.store import Store, backup_to
from core.centre_edits import forget_edits, start_config
from core.commands import open_store
from hub.tls import CERT_NAME, KEY_NAME
from hub.writer_lock import DatabaseBusy, ForeignHolder, Holder, WriterLock

DEFAULT_PORT = 8470
log = logging.getLogger("tabour.hub")


def default_db_path() -> Path:
    return Path(os.environ.get("TABOUR_DB") or Path(user_data_dir("tabour", appauthor=False)) / "tabour.sqlite")


def add_db_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--db", type=Path, default=None,
        help=f"SQLite database file (default: $TABOUR_DB or {default_db_path()}).",
    )


def add_config_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--config", type=Path, default=None,
        help="Centre configuration (TOML). Default: $TABOUR_CONFIG or the demo centre shipped in assets/.",
    )


def register(subparsers: argparse._SubParsersAction) -> None:
    hub = subparsers.add_parser(
        "hub",
        help="run the hub (the only process that opens the database)",
        description="Run the hub: the HTTP/WebSocket API every kiosk, counter and display board talks to.",
    )
    add_config_argument(hub)
    add_db_argument(hub)
    hub.add_argument("--host", default="127.0.0.1", help="Address to listen on (0.0.0.0 for the whole LAN). Default 127.0.0.1.")
    hub.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"TCP port. Default {DEFAULT_PORT}.")
    hub.add_argument(
        "--enroll-code", default=None,
        help="Code devices give once to enroll. It shows in the process list: on a server prefer "
        "--enroll-code-file or $TABOUR_ENROLL_CODE. Default: a random code printed at start.",
    )
    hub.add_argument(
        "--enroll-code-file", type=Path, default=os.environ.get("TABOUR_ENROLL_CODE_FILE") or None,
        help="Read the enrollment code from the first line of this file ($TABOUR_ENROLL_CODE_FILE); "
        "keep the file readable by the hub's user only.",
    )
    hub.add_argument("--public-url", default=None, help="Address phones use to reach the hub, e.g. http://192.168.1.10:8470: kiosks print it in each "
        "ticket's QR code. Default: the address each kiosk was given with --hub (warned about when it could be 127.0.0.1).")
    hub.add_argument(
        "--synchronous", choices=["FULL", "EXTRA", "NORMAL"], default="FULL",
        help="SQLite durability. FULL (default): an answered request survives a power cut.",
    )
    hub.add_argument("--log-level", default="info", choices=["debug", "info", "warning", "error"], help="Logging detail.")
    hub.add_argument(
        "--log-file", type=Path, default=None,
        help="Also write the log to this file, rotated at 10 MiB (ten files kept). The log always goes to standard error.",
    )
    hub.add_argument("--tls-cert", type=Path, default=None, help="Serve HTTPS with this PEM certificate (with --tls-key).")
    hub.add_argument("--tls-key", type=Path, default=None, help="The PEM private key of --tls-cert.")
    hub.add_argument(
        "--tls-self-signed", action="store_true",
        help=f"Serve HTTPS with the branch's own certificate, made on the first start and kept beside the "
        f"database ({CERT_NAME}, {KEY_NAME}). Devices pin its fingerprint when they enroll.",
    )
    central = hub.add_argument_group("shipping to the ministry's central (all three together)")
    central.add_argument("--central", metavar="URL", default=None, help="The central service, e.g. https://central.example.gov.sa.")
    central.add_argument("--branch", metavar="CODE", default=None, help="This branch's code at the central (e.g. RUH-01).")
    central.add_argument(
        "--central-token-file", metavar="PATH", type=Path, default=None,
        help="File holding the branch's token, as `python main.py central branch add` printed it.",
    )
    central.add_argument(
        "--central-resend", action="store_true",
        help="Have the central forget what it holds of this branch and send the whole log again (after a restore).",
    )
    hub.set_defaults(func=run_hub)

    clerk = subparsers.add_parser("clerk", help="add, list, remove clerks or reset a PIN", description="Manage clerk accounts.")
    clerk_commands = clerk.add_subparsers(dest="clerk_command", required=True, metavar="{add,list,remove,reset-pin}")
    add = clerk_commands.add_parser("add", help="add a clerk; the PIN is read from the terminal (or standard input)")
    add.add_argument("username", help="Login name, e.g. fatimah.")
    add.add_argument("--role", choices=[r.value for r in Role], default=Role.CLERK.value, help="clerk (default), supervisor or admin.")
    listing = clerk_commands.add_parser("list", help="list clerks")
    remove = clerk_commands.add_parser("remove", help="deactivate a clerk (their history stays)")
    remove.add_argument("username")
    reset = clerk_commands.add_parser("reset-pin", help="set a new PIN and lift a lockout")
    reset.add_argument("username")
    for sub in (add, listing, remove, reset):
        add_config_argument(sub)
        add_db_argument(sub)
    clerk.set_defaults(func=run_clerk)

    device = subparsers.add_parser(
        "device", help="list, rename or revoke enrolled devices", description="See and manage the devices enrolled with the hub."
    )
    device_commands = device.add_subparsers(dest="device_command", required=True, metavar="{list,rename,revoke}")
    device_list = device_commands.add_parser("list", help="every device: kind, enrolled, last seen, online, printer")
    device_rename = device_commands.add_parser("rename", help="give a device a new name")
    device_rename.add_argument("device_id", type=int, help="The device's id (from `device list`).")
    device_rename.add_argument("name", help="The new name.")
    device_revoke = device_commands.add_parser("revoke", help="revoke a device: its token stops working at once")
    device_revoke.add_argument("device_id", type=int, help="The device's id (from `device list`).")
    for sub in (device_list, device_rename, device_revoke):
        add_config_argument(sub)
        add_db_argument(sub)
    device.set_defaults(func=run_device)

    backup = subparsers.add_parser(
        "backup", help="copy the database while the hub runs",
        description="Copy the database with SQLite's online backup API; safe while the hub is running.",
    )
    backup.add_argument("path", type=Path, help="New file to write the copy to.")
    add_db_argument(backup)
    backup.set_defaults(func=run_backup)

    poster = subparsers.add_parser(
        "poster", help="write the printable QR poster of /join (the remote queue)",
        description="Write the A4 poster, Arabic above English, whose QR code opens the hub's /join page.",
    )
    poster.add_argument("--url", required=True, help="The hub's address as phones reach it, e.g. https://queue.example.sa (the --public-url).")
    poster.add_argument("--out", type=Path, default=Path("join-poster.html"), help="The HTML file to write (print it from a browser).")
    add_config_argument(poster)
    poster.set_defaults(func=run_poster)


def resolve_config(path: Path | None):
    return load_config(path or os.environ.get("TABOUR_CONFIG") or DEMO_CONFIG)


def read_enroll_code(args: argparse.Namespace) -> tuple[str | None, str]:
    """The code from --enroll-code, --enroll-code-file or $TABOUR_ENROLL_CODE (first given wins),
    and where it came from; (None, "") when none was given."""
    if args.enroll_code:
        return args.enroll_code, "--enroll-code"
    if args.enroll_code_file:
        path = Path(args.enroll_code_file)
        try:
            with path.open(encoding="utf-8-sig") as handle:  # Windows editors add a BOM
                first_line = handle.readline(200).strip()
        except (OSError, UnicodeDecodeError) as error:
            raise ConfigError(f"--enroll-code-file {path}: cannot read it ({getattr(error, 'strerror', None) or error})") from None
        if not first_line:
            raise ConfigError(f"--enroll-code-file {path}: the first line is empty; write the code there")
        if os.name == "posix" and path.stat().st_mode & 0o004:
            log_event(log, "enroll_code.file_readable", logging.WARNING, path=str(path), advice="chmod 600 or 640")
        return first_line, "--enroll-code-file"
    if os.environ.get("TABOUR_ENROLL_CODE"):
        return os.environ["TABOUR_ENROLL_CODE"], "$TABOUR_ENROLL_CODE"
    return None, ""


def resolve_tls(args: argparse.Namespace, db_path: Path):
    """The certificate and key to serve with (None for plain HTTP) and its fingerprint."""
    from hub.tls import TlsFiles, check_files, make_self_signed

    if args.tls_self_signed and (args.tls_cert or args.tls_key):
        raise ConfigError("give either --tls-self-signed or --tls-cert with --tls-key, not both")
    if bool(args.tls_cert) != bool(args.tls_key):
        raise ConfigError("--tls-cert and --tls-key go together: give both")
    if args.tls_self_signed:
        files = make_self_signed(Path(db_path).parent, args.host)
    elif args.tls_cert:
        files = TlsFiles(args.tls_cert, args.tls_key)
    else:
        return None, None
    return files, check_files(files)


def keep_running_on_stop_signals() -> None:
    """Let a stop signal end the server, never the process before the store has closed.

    uvicorn catches SIGTERM/SIGINT while it serves, and afterwards raises the signal again with
    the handlers it found. With Python's defaults that killed the hub on the spot: the store never
    checkpointed, and a copy of the `.sqlite` taken after a stop had none of the day's data.
    """
    import signal

    def note(signum: int, frame: object) -> None:
        log_event(log, "hub.stopping", signal=signal.Signals(signum).name)

    for name in ("SIGTERM", "SIGINT", "SIGBREAK"):
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), note)


def run_hub(args: argparse.Namespace) -> int:
    from hub.app import HubSettings, create_app
    from hub.logs import configure_logging
    from hub.server import server_config, settle_garbage_collector
    from hub.tls import TlsError

    try:
        configure_logging(args.log_level, args.log_file)
    except OSError as error:
        print(f"error: --log-file {args.log_file}: {error.strerror or error}", file=sys.stderr)
        return 2
    if not 1 <= args.port <= 65535:
        print(f"error: --port {args.port} is not a TCP port (1-65535)", file=sys.stderr)
        return 2
    try:
        config = resolve_config(args.config)
    except ConfigError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    if args.public_url is not None:
        from urllib.parse import urlsplit

        try:
            parts = urlsplit(args.public_url)
            parts.port  # noqa: B018 — raises for a port out of range
            ok = parts.scheme in ("http", "https") and bool(parts.hostname) and len(args.public_url) <= 200
        except ValueError:
            ok = False
        if not ok:
            print(
                f"error: --public-url {args.public_url[:80]!r} is not an address phones can open; "
                "give e.g. http://192.168.1.10:8470",
                file=sys.stderr,
            )
            return 2
    shipper_settings = None
    given = [args.central is not None, args.branch is not None, args.central_token_file is not None]
    if any(given) and not all(given):
        print("error: --central, --branch and --central-token-file go together; give all three", file=sys.stderr)
        return 2
    if args.central_resend and not all(given):
        print("error: --central-resend needs --central, --branch and --central-token-file", file=sys.stderr)
        return 2
    if all(given):
        from hub.shipper import ShipperSettings, ShipperSetupError

        try:
            shipper_settings = ShipperSettings.from_cli(args.central, args.branch, args.central_token_file, args.central_resend)
        except ShipperSetupError as error:
            print(f"error: {error}", file=sys.stderr)
            return 2
    db_path = args.db or default_db_path()
    try:
        given_code, code_source = read_enroll_code(args)
        tls_files, fingerprint = resolve_tls(args, db_path)
    except (ConfigError, TlsError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except OSError as error:
        print(f"error: cannot make the TLS certificate beside {db_path}: {error.strerror or error}", file=sys.stderr)
        return 2
    enroll_code = given_code or new_enroll_code()
    problem = enroll_code_problem(enroll_code)
    if problem is not None:
        print(f"error: {problem}", file=sys.stderr)
        return 2
    scheme = "https" if tls_files else "http"
    lock = WriterLock(db_path)
    try:
        lock.acquire(role="hub", url=local_url(scheme, args.host, args.port), certificate_fingerprint=fingerprint)
    except (DatabaseBusy, ForeignHolder) as refusal:
        print(f"error: {refusal.message_en}", file=sys.stderr)
        return 2
    except OSError as error:
        print(f"error: cannot lock the database {db_path}: {error.strerror or error}", file=sys.stderr)
        return 2
    try:
        listening = bind_listening_socket(args.host, args.port)
    except PortProblem as problem:
        lock.release()
        print(f"error: {problem}", file=sys.stderr)
        return 2
    if lock.took_over is not None:
        log_event(log, "hub.lock_taken_over", logging.WARNING, previous=lock.took_over.describe(), db=str(db_path))
        print(f"took over the database from {lock.took_over.describe()}, which stopped without releasing it", flush=True)
    try:
        try:
            # The centre as the console last left it, when the file is the one it was edited on.
            config, config_from = start_config(db_path, config)
            store = open_store(db_path, config, synchronous=args.synchronous)
        except sqlite3.DatabaseError as error:
            print(f"error: {db_path} is not a Tabour database ({error})", file=sys.stderr)
            return 2
        except OSError as error:
            print(f"error: cannot open the database {db_path}: {error.strerror or error}", file=sys.stderr)
            return 2
        if config_from == "console":
            log_event(log, "config.console_edits_kept", config=str(args.config))
            print("centre: as last edited in the console (the file is unchanged since)", flush=True)
        elif config_from == "file-changed":
            store.call(forget_edits)
            log_event(log, "config.console_edits_replaced", logging.WARNING, config=str(args.config))
            print(f"warning: {args.config} changed since the console's last edit; the file's settings apply",
                  file=sys.stderr, flush=True)
        shipper = None
        if shipper_settings is not None:
            from hub.shipper import Shipper

            shipper = Shipper(db_path, shipper_settings)
            print(f"shipping events to {shipper_settings.central_url} as branch {shipper_settings.branch}", flush=True)
        kept = kept_enroll_code(store)  # rotated from the centre console
        if kept is not None and not given_code:
            enroll_code, code_source = kept, "console"
        elif kept is not None and kept != enroll_code:
            log_event(log, "enroll_code.console_code_replaced", logging.WARNING, by=code_source)
        assert lock.holder is not None
        settings = HubSettings(
            enroll_code=enroll_code, public_url=args.public_url, certificate_fingerprint=fingerprint,
            local_admin_token=lock.holder.token,
        )
        app = create_app(store, settings, shipper)
        print(f"Tabour hub for {config.centre.name_en} on {scheme}://{args.host}:{args.port}", flush=True)
        print(f"database: {db_path}", flush=True)
        if fingerprint:
            print(f"TLS certificate: {tls_files.certificate}", flush=True)
            print(f"TLS certificate fingerprint: {fingerprint}", flush=True)
        if not given_code and code_source != "console":
            print(f"enrollment code: {enroll_code}", flush=True)
        warning = phone_address_warning(args.host, args.port, scheme, args.public_url)
        if warning:
            print(f"warning: {warning}", file=sys.stderr, flush=True)
            log_event(log, "hub.phone_address", logging.WARNING, host=args.host, public_url=args.public_url, advice=warning)
        log_event(
            log, "hub.started", centre=config.centre.name_en, url=f"{scheme}://{args.host}:{args.port}", db=str(db_path),
            tls_fingerprint=fingerprint, enroll_code_from=code_source or "generated",
            log_file=str(args.log_file) if args.log_file else None,
        )
        import uvicorn

        keep_running_on_stop_signals()
        config_for_server = server_config(app, args.host, args.port, tls_files)
        settle_garbage_collector()
        try:
            uvicorn.Server(config_for_server).run(sockets=[listening])
        finally:
            listening.close()
            store.close()
            log_event(log, "hub.stopped", db=str(db_path))
    finally:
        lock.release()
    return 0


class PortProblem(Exception):
    """The hub cannot listen where it was told to; the message says why and what to do."""


def bind_listening_socket(host: str, port: int) -> socket.socket:
    """The hub's listening socket, bound before anything says where the hub is.

    uvicorn would bind it only once the hub had printed its address and the log said it had
    started, and then fail with "[Errno 98]" among its own lines. Binding it here lets the hub say
    plainly that the port is taken, and the socket is handed to uvicorn, so nothing can take the
    port in between.
    """
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    listening = socket.socket(family, socket.SOCK_STREAM)
    try:
        if os.name == "posix":  # lets a restarted hub bind at once; on Windows it would let two bind
            listening.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if family == socket.AF_INET6:
            listening.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
        listening.bind((host, port))
    except OSError as error:
        listening.close()
        if error.errno == errno.EADDRINUSE:
            raise PortProblem(
                f"port {port} on {host} is taken: another hub or program listens there. Stop it "
                f"(a hub started earlier, or the all-in-one demo), or start this hub with another --port."
            ) from None
        if error.errno == errno.EACCES:
            raise PortProblem(f"port {port} needs administrator rights on this system; use a port above 1023 (default {DEFAULT_PORT}).") from None
        if error.errno == errno.EADDRNOTAVAIL:
            raise PortProblem(
                f"this computer has no address {host}; give one of its own addresses, 0.0.0.0 for all of them, or 127.0.0.1."
            ) from None
        if isinstance(error, socket.gaierror):
            raise PortProblem(f"--host {host[:80]!r} is not an address or name this computer knows.") from None
        raise PortProblem(f"cannot listen on {host}:{port}: {error.strerror or error}") from None
    listening.set_inheritable(True)
    return listening


def is_loopback(host: str) -> bool:
    host = host.strip("[]").lower()
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def phone_address_warning(host: str, port: int, scheme: str, public_url: str | None) -> str | None:
    """What to tell the person starting a hub that phones on the LAN could not reach from a ticket.

    A kiosk prints the hub's --public-url in each ticket's code, or without one its own --hub
    address: on the hub's own PC that is 127.0.0.1, which on a phone is the phone itself.
    """
    if is_loopback(host):
        return None
    from urllib.parse import urlsplit

    example = f"{scheme}://<this PC's LAN address>:{port}"
    if not public_url:
        return (
            f"the hub listens beyond this PC ({host}) but has no --public-url: a kiosk that reaches it as "
            f"127.0.0.1 prints a code phones cannot open (127.0.0.1 is the phone itself). "
            f"Start the hub with --public-url {example}."
        )
    if is_loopback(urlsplit(public_url).hostname or ""):
        return f"--public-url {public_url} is this PC's own loopback address, which no phone can open; give {example}."
    return None


def local_url(scheme: str, host: str, port: int) -> str:
    """Where a command on this PC reaches the hub: loopback when it listens on every address."""
    if host in ("", "0.0.0.0"):
        host = "127.0.0.1"
    elif host == "::":
        host = "::1"
    if ":" in host:
        host = f"[{host}]"
    return f"{scheme}://{host}:{port}"


def read_pin(prompt: str) -> str:
    """From the terminal without echo, or one line of standard input when it is not a terminal."""
    if sys.stdin.isatty():
        first = getpass.getpass(prompt)
        second = getpass.getpass("Again: ")
        if first != second:
            raise TabourError("The two PINs differ.", "الرقمان السريان مختلفان.")
        return first
    return sys.stdin.readline().rstrip("\r\n")


class HubAnswer(TabourError):
    """A refusal the running hub gave a command (its code and bilingual message)."""


def call_hub(holder: Holder, method: str, path: str, body: Any = None) -> Any:
    """One request to the running hub's API with its local admin token (stdlib only).

    Over HTTPS the hub's certificate is checked against the fingerprint in the holder file, as
    devices pin it: a self-signed certificate has no authority to vouch for it.
    """
    import http.client
    import ssl
    from urllib.parse import urlsplit

    from hub.tls import fingerprint_of_der

    target = urlsplit(holder.url or "")
    data = json.dumps(body).encode() if body is not None else None
    headers = {"Authorization": f"Bearer {holder.token}", "Content-Type": "application/json"}
    try:
        if target.scheme == "https":
            context = ssl.create_default_context()
            context.check_hostname = False
            context.verify_mode = ssl.CERT_NONE  # verified below, by fingerprint
            connection: http.client.HTTPConnection = http.client.HTTPSConnection(
                target.hostname, target.port, timeout=30, context=context
            )
            connection.connect()
            presented = fingerprint_of_der(connection.sock.getpeercert(binary_form=True) or b"")
            if holder.certificate_fingerprint and presented != holder.certificate_fingerprint:
                raise HubAnswer(
                    f"The hub at {holder.url} presents another certificate ({presented}) than it started with.",
                    "الخادم يقدّم شهادة غير التي بدأ بها.",
                    code="certificate_changed",
                )
        else:
            connection = http.client.HTTPConnection(target.hostname, target.port, timeout=30)
        connection.request(method, f"/api/v1{path}", body=data, headers=headers)
        response = connection.getresponse()
        status, raw = response.status, response.read()
        connection.close()
    except (OSError, http.client.HTTPException) as error:
        raise HubAnswer(
            f"The hub holds the database but does not answer at {holder.url} ({error}).",
            "الخادم يستخدم قاعدة البيانات لكنه لا يستجيب.",
            code="hub_unreachable",
        ) from None
    if status >= 400:
        try:
            refusal = json.loads(raw)
        except ValueError:
            refusal = {}
        refusal = refusal if isinstance(refusal, dict) else {}
        raise HubAnswer(
            refusal.get("message") or f"the hub answered {status}", refusal.get("message_ar") or "", code=refusal.get("error")
        )
    return json.loads(raw) if raw else None


@contextmanager
def database_writer(db_path: Path, config) -> Iterator[tuple[Store | None, Holder | None]]:
    """The way to change the database now: through the running hub, or as its writer meanwhile.

    Yields `(None, holder)` when a hub runs on the database (the change goes through its API, so
    it takes effect in the live hub at once and nobody else writes), else `(store, None)` with
    the single-writer lock held for the command's duration.
    """
    lock = WriterLock(db_path)
    hub: Holder | None = None
    try:
        lock.acquire(role="command")
    except DatabaseBusy as busy:
        hub = busy.holder if busy.holder is not None and busy.holder.role == "hub" else None
        if hub is None or not (hub.url and hub.token):
            hub = None
            lock.acquire(role="command", wait=10)  # another command: it is quick
    if hub is not None:
        yield None, hub
        return
    try:
        # Clerk and device changes only: never the catalogue, whose events the hub owns.
        store = Store(db_path, config)
        with store:
            yield store, None
    finally:
        lock.release()


def _open_writer(args: argparse.Namespace):
    """Checks shared by clerk and device commands; returns (config, db_path) or an exit code."""
    try:
        config = resolve_config(args.config)
    except ConfigError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    db_path = Path(args.db or default_db_path())
    if not db_path.is_file():
        print(
            f"error: no database at {db_path}; start the hub once with --db {db_path} to create it, "
            "or give the hub's --db",
            file=sys.stderr,
        )
        return 2
    return config, db_path


def run_clerk(args: argparse.Namespace) -> int:
    pin = None
    try:
        if args.clerk_command in ("add", "reset-pin"):
            commands.check_username(args.username)
            pin = read_pin(f"PIN for {args.username}: ")
            check_pin_strength(pin)
    except TabourError as error:
        print(f"error: {error.message_en}", file=sys.stderr)
        return 2
    opened = _open_writer(args)
    if isinstance(opened, int):
        return opened
    config, db_path = opened
    try:
        with database_writer(db_path, config) as (store, hub):
            if args.clerk_command == "list":
                clerks = call_hub(hub, "GET", "/clerks") if hub else queries.list_clerks(store)
                for clerk in clerks:
                    state = "active" if clerk["active"] else "removed"
                    print(f"{clerk['username']}\t{clerk['role']}\t{state}")
                return 0
            if args.clerk_command == "add":
                if hub:
                    clerk = call_hub(hub, "POST", "/clerks", {"username": args.username, "role": args.role, "pin": pin})
                else:
                    clerk = store.call(commands.enlist_clerk, args.username, Role(args.role), hash_pin(pin))
                if clerk["restored"]:
                    print(f"restored {clerk['role']} {clerk['username']} (removed before; their history is kept)")
                else:
                    print(f"added {clerk['role']} {clerk['username']}")
                return 0
            if hub:
                clerk_id = next(
                    (c["id"] for c in call_hub(hub, "GET", "/clerks") if c["username"].casefold() == args.username.casefold()), None
                )
                if clerk_id is None:
                    raise NotFound(f"No clerk named '{args.username}'.", f"لا يوجد موظف باسم '{args.username}'.")
            if args.clerk_command == "reset-pin":
                if hub:
                    call_hub(hub, "POST", f"/clerks/{clerk_id}/reset-pin", {"pin": pin})
                else:
                    store.call(commands.reset_pin, args.username, hash_pin(pin))
                print(f"PIN reset for {args.username}")
            else:
                if hub:
                    call_hub(hub, "POST", f"/clerks/{clerk_id}/remove")
                else:
                    store.call(commands.remove_clerk, args.username)
                print(f"removed {args.username}")
    except (DatabaseBusy, ForeignHolder) as refusal:
        print(f"error: {refusal.message_en}", file=sys.stderr)
        return 2
    except sqlite3.DatabaseError as error:
        print(f"error: {db_path} is not a Tabour database ({error})", file=sys.stderr)
        return 2
    except TabourError as error:
        print(f"error: {error.message_en}", file=sys.stderr)
        return 1
    return 0


def run_device(args: argparse.Namespace) -> int:
    opened = _open_writer(args)
    if isinstance(opened, int):
        return opened
    config, db_path = opened
    try:
        with database_writer(db_path, config) as (store, hub):
            if args.device_command == "list":
                listed = call_hub(hub, "GET", "/devices") if hub else queries.list_devices(store)
                print("id\tname\tkind\tenrolled\tlast seen\tonline\tprinter\tstate\tcertificate")
                for device in listed:
                    state = f"revoked {device['revoked_at']}" if device["revoked_at"] else "active"
                    print(
                        f"{device['id']}\t{device['name']}\t{device['kind']}\t{device['enrolled_at']}\t"
                        f"{device['last_seen_at'] or 'never'}\t{'yes' if device['online'] else 'no'}\t"
                        f"{device['printer'] or '-'}\t{state}\t{device['certificate_fingerprint'] or '-'}"
                    )
                if not hub:
                    print("(no hub runs on this database: nothing is online)")
                return 0
            if args.device_command == "rename":
                name = args.name.strip()
                if not 1 <= len(name) <= 80 or not name.isprintable():
                    raise BadInput("A device name is 1 to 80 printable characters.", "اسم الجهاز من 1 إلى 80 حرفاً.")
                device = (
                    call_hub(hub, "POST", f"/devices/{args.device_id}/rename", {"name": name})
                    if hub else store.call(commands.rename_device, args.device_id, name)
                )
                print(f"device {device['id']} is now named {device['name']}")
            else:
                device = (
                    call_hub(hub, "POST", f"/devices/{args.device_id}/revoke")
                    if hub else store.call(commands.revoke_device, args.device_id)
                )
                print(f"revoked device {device['id']} ({device['name']}); its token no longer works")
    except (DatabaseBusy, ForeignHolder) as refusal:
        print(f"error: {refusal.message_en}", file=sys.stderr)
        return 2
    except sqlite3.DatabaseError as error:
        print(f"error: {db_path} is not a Tabour database ({error})", file=sys.stderr)
        return 2
    except TabourError as error:
        print(f"error: {error.message_en}", file=sys.stderr)
        return 1
    return 0


def run_backup(args: argparse.Namespace) -> int:
    source = args.db or default_db_path()
    if not Path(source).is_file():
        print(f"error: no database at {source}", file=sys.stderr)
        return 2
    try:
        backup_to(source, args.path)
    except (FileExistsError, OSError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print(f"backed up {source} to {args.path}")
    return 0


def run_poster(args: argparse.Namespace) -> int:
    """The /join poster as a file of its own: nothing to load, it prints as it is."""
    from urllib.parse import urlsplit

    from hub.join import poster_page

    url = args.url.strip()
    try:
        parts = urlsplit(url)
        ok = parts.scheme in ("http", "https") and bool(parts.hostname) and len(url) <= 200 and url.isprintable()
    except ValueError:
        ok = False
    if not ok:
        print(f"error: --url {url[:80]!r} is not an address phones can open; give e.g. https://queue.example.sa", file=sys.stderr)
        return 2
    try:
        config = resolve_config(args.config)
    except ConfigError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    centre = {"name_ar": config.centre.name_ar, "name_en": config.centre.name_en}
    join_url = url.rstrip("/") + "/join"
    try:
        args.out.write_text(poster_page(join_url, centre, nonce=""), encoding="utf-8")
    except OSError as error:
        print(f"error: cannot write {args.out}: {error.strerror or error}", file=sys.stderr)
        return 1
    print(f"wrote the poster of {join_url} to {args.out}")
    return 0
