"""Command-line roles served by the hub package: `hub`, `clerk …` and `backup`."""

from __future__ import annotations

import argparse
import getpass
import logging
import os
import sqlite3
import sys
from pathlib import Path

from platformdirs import user_data_dir

from core import commands, queries
from core.config import DEMO_CONFIG, load_config
from core.errors import ConfigError, TabourError
from core.models import Role
from core.security import check_pin_format, hash_pin, new_enroll_code
from core.logs import log_event
from core.store import Store, backup_to
from hub.tls import CERT_NAME, KEY_NAME

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
    hub.add_argument("--public-url", default=None, help="Address phones use to reach the hub, for the QR code (default: from the request).")
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

    backup = subparsers.add_parser(
        "backup", help="copy the database while the hub runs",
        description="Copy the database with SQLite's online backup API; safe while the hub is running.",
    )
    backup.add_argument("path", type=Path, help="New file to write the copy to.")
    add_db_argument(backup)
    backup.set_defaults(func=run_backup)


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
    from hub.server import server_config
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
    if not 4 <= len(enroll_code) <= 64 or not enroll_code.isprintable():
        print("error: --enroll-code must be 4 to 64 printable characters", file=sys.stderr)
        return 2
    try:
        store = Store(db_path, config, synchronous=args.synchronous)
    except sqlite3.DatabaseError as error:
        print(f"error: {db_path} is not a Tabour database ({error})", file=sys.stderr)
        return 2
    except OSError as error:
        print(f"error: cannot open the database {db_path}: {error.strerror or error}", file=sys.stderr)
        return 2
    shipper = None
    if shipper_settings is not None:
        from hub.shipper import Shipper

        shipper = Shipper(db_path, shipper_settings)
        print(f"shipping events to {shipper_settings.central_url} as branch {shipper_settings.branch}", flush=True)
    app = create_app(store, HubSettings(enroll_code=enroll_code, public_url=args.public_url, certificate_fingerprint=fingerprint), shipper)
    scheme = "https" if tls_files else "http"
    print(f"Tabour hub for {config.centre.name_en} on {scheme}://{args.host}:{args.port}", flush=True)
    print(f"database: {db_path}", flush=True)
    if fingerprint:
        print(f"TLS certificate: {tls_files.certificate}", flush=True)
        print(f"TLS certificate fingerprint: {fingerprint}", flush=True)
    if not given_code:
        print(f"enrollment code: {enroll_code}", flush=True)
    log_event(
        log, "hub.started", centre=config.centre.name_en, url=f"{scheme}://{args.host}:{args.port}", db=str(db_path),
        tls_fingerprint=fingerprint, enroll_code_from=code_source or "generated", log_file=str(args.log_file) if args.log_file else None,
    )
    import uvicorn

    keep_running_on_stop_signals()
    try:
        uvicorn.Server(server_config(app, args.host, args.port, tls_files)).run()
    finally:
        store.close()
        log_event(log, "hub.stopped", db=str(db_path))
    return 0


def read_pin(prompt: str) -> str:
    """From the terminal without echo, or one line of standard input when it is not a terminal."""
    if sys.stdin.isatty():
        first = getpass.getpass(prompt)
        second = getpass.getpass("Again: ")
        if first != second:
            raise TabourError("The two PINs differ.", "الرقمان السريان مختلفان.")
        return first
    return sys.stdin.readline().rstrip("\r\n")


def run_clerk(args: argparse.Namespace) -> int:
    try:
        config = resolve_config(args.config)
    except ConfigError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    pin_hash = None
    try:
        if args.clerk_command in ("add", "reset-pin"):
            commands.check_username(args.username)
            pin = read_pin(f"PIN for {args.username}: ")
            check_pin_format(pin)
            pin_hash = hash_pin(pin)
    except TabourError as error:
        print(f"error: {error.message_en}", file=sys.stderr)
        return 2
    db_path = Path(args.db or default_db_path())
    if not db_path.is_file():
        print(
            f"error: no database at {db_path}; start the hub once with --db {db_path} to create it, "
            "or give the hub's --db",
            file=sys.stderr,
        )
        return 2
    try:
        # Beside a running hub: clerk accounts only, never the catalogue or the event log.
        store = Store(db_path, config, apply_config=False)
    except sqlite3.DatabaseError as error:
        print(f"error: {db_path} is not a Tabour database ({error})", file=sys.stderr)
        return 2
    with store:
        try:
            if args.clerk_command == "add":
                store.call(commands.add_clerk, args.username, Role(args.role), pin_hash)
                print(f"added {args.role} {args.username}")
            elif args.clerk_command == "reset-pin":
                store.call(commands.reset_pin, args.username, pin_hash)
                print(f"PIN reset for {args.username}")
            elif args.clerk_command == "remove":
                store.call(commands.remove_clerk, args.username)
                print(f"removed {args.username}")
            else:
                for clerk in queries.list_clerks(store):
                    state = "active" if clerk["active"] else "removed"
                    print(f"{clerk['username']}\t{clerk['role']}\t{state}")
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
