"""`python main.py central …`: the ministry's service, and its branch and staff accounts."""

from __future__ import annotations

import argparse
import getpass
import logging
import os
import sys
from pathlib import Path

DEFAULT_PORT = 8480
PG_ENV = "TABOUR_CENTRAL_PG"


def _add_pg(parser: argparse.ArgumentParser, dest: str) -> None:
    parser.add_argument(
        "--pg", dest=dest, default=None, metavar="URL",
        help=f"PostgreSQL connection, e.g. postgresql://tabour@dbhost/tabour (default: ${PG_ENV}).",
    )


def register(subparsers: argparse._SubParsersAction) -> None:
    central = subparsers.add_parser(
        "central",
        help="run the ministry's central service (PostgreSQL), or manage its branches and staff",
        description="The central service: branches ship their events here; the ministry's dashboard is served at /.",
    )
    _add_pg(central, "pg")
    central.add_argument("--host", default="127.0.0.1", help="Address to listen on (0.0.0.0 for the network). Default 127.0.0.1.")
    central.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"TCP port. Default {DEFAULT_PORT}.")
    central.add_argument("--tls-cert", type=Path, default=None, help="TLS certificate (PEM) to serve HTTPS.")
    central.add_argument("--tls-key", type=Path, default=None, help="TLS private key (PEM) for --tls-cert.")
    central.add_argument(
        "--workers", type=int, default=2,
        help="Worker processes taking batches (default 2: the Python work of one batch overlaps PostgreSQL's of another).",
    )
    central.add_argument(
        "--refresh-seconds", type=float, default=60.0,
        help="Recompute a branch-day's figures at most this often while its batches arrive (default 60).",
    )
    central.add_argument("--log-level", default="info", choices=["debug", "info", "warning", "error"], help="Logging detail.")
    central.set_defaults(func=run_central, central_command=None)
    commands = central.add_subparsers(dest="central_command", metavar="{branch,staff,migrate}")

    branch = commands.add_parser("branch", help="add and list branches, or give a branch a new token")
    branch_commands = branch.add_subparsers(dest="branch_command", required=True, metavar="{add,list,token}")
    add = branch_commands.add_parser("add", help="register a branch and print its token")
    add.add_argument("code", help="Branch code: capital letters, digits, '-' or '_' (e.g. RUH-01).")
    add.add_argument("--name-ar", required=True, help="The branch's name in Arabic.")
    add.add_argument("--name-en", required=True, help="The branch's name in English.")
    listing = branch_commands.add_parser("list", help="list branches and how much of their log is held")
    token = branch_commands.add_parser("token", help="replace a branch's token (the old one stops working)")
    token.add_argument("code")
    for sub in (add, listing, token):
        _add_pg(sub, "pg_here")
    branch.set_defaults(func=run_branch)

    staff = commands.add_parser("staff", help="ministry staff who may log in to the dashboard")
    staff_commands = staff.add_subparsers(dest="staff_command", required=True, metavar="{add,list,remove,reset-password}")
    staff_add = staff_commands.add_parser("add", help="add a user; the password is read from the terminal (or standard input)")
    staff_add.add_argument("username")
    staff_add.add_argument("--role", choices=["viewer", "admin"], default="viewer", help="viewer (default) or admin.")
    staff_list = staff_commands.add_parser("list", help="list users")
    staff_remove = staff_commands.add_parser("remove", help="deactivate a user and end their sessions")
    staff_remove.add_argument("username")
    staff_reset = staff_commands.add_parser("reset-password", help="set a new password and lift a lockout")
    staff_reset.add_argument("username")
    for sub in (staff_add, staff_list, staff_remove, staff_reset):
        _add_pg(sub, "pg_here")
    staff.set_defaults(func=run_staff)

    migrate = commands.add_parser("migrate", help="create or update the schema, then exit")
    _add_pg(migrate, "pg_here")
    migrate.set_defaults(func=run_migrate)


def _fail(en: str, ar: str | None = None, code: int = 2) -> int:
    print(f"error: {en}", file=sys.stderr)
    if ar:
        print(f"خطأ: {ar}", file=sys.stderr)
    return code


def _pg_url(args: argparse.Namespace) -> str | None:
    return getattr(args, "pg_here", None) or args.pg or os.environ.get(PG_ENV)


def _connect(args: argparse.Namespace):
    """An autocommit connection with the schema up to date, or None after printing why not."""
    import psycopg

    from central.schema import migrate

    url = _pg_url(args)
    if not url:
        _fail(f"give the PostgreSQL database with --pg URL or ${PG_ENV}", "حدد قاعدة بيانات PostgreSQL عبر \u2066--pg\u2069")
        return None
    if len(url) > 500:
        _fail("--pg is too long to be a connection address")
        return None
    try:
        conn = psycopg.connect(url, autocommit=True, connect_timeout=10)
    except (psycopg.Error, ValueError) as error:
        first_line = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        _fail(f"cannot reach PostgreSQL at --pg: {first_line[:300]}", "تعذر الاتصال بقاعدة بيانات PostgreSQL")
        return None
    migrate(conn)
    return conn


def run_central(args: argparse.Namespace) -> int:
    if args.central_command is not None:
        return args.func(args)
    logging.basicConfig(level=args.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    if not 1 <= args.port <= 65535:
        return _fail(f"--port {args.port} is not a TCP port (1-65535)")
    if not 0.01 <= args.refresh_seconds <= 3600:
        return _fail(f"--refresh-seconds {args.refresh_seconds} must be 0.01 to 3600")
    if not 1 <= args.workers <= 64:
        return _fail(f"--workers {args.workers} must be 1 to 64")
    if (args.tls_cert is None) != (args.tls_key is None):
        return _fail("give both --tls-cert and --tls-key, or neither")
    for path in (args.tls_cert, args.tls_key):
        if path is not None and not path.is_file():
            return _fail(f"no such file: {path}")
    conn = _connect(args)
    if conn is None:
        return 2
    conn.close()

    import uvicorn

    # The workers build their app from the environment (uvicorn starts them as new processes).
    os.environ[PG_ENV] = _pg_url(args)
    os.environ["TABOUR_CENTRAL_SECURE"] = "1" if args.tls_cert else "0"
    os.environ["TABOUR_CENTRAL_REFRESH"] = repr(args.refresh_seconds)
    scheme = "https" if args.tls_cert else "http"
    print(f"Tabour central on {scheme}://{args.host}:{args.port}", flush=True)
    uvicorn.run(
        "central.app:app_from_environment", factory=True, workers=args.workers, host=args.host, port=args.port,
        log_level=args.log_level if args.log_level != "info" else "warning", access_log=False,
        ssl_certfile=str(args.tls_cert) if args.tls_cert else None, ssl_keyfile=str(args.tls_key) if args.tls_key else None,
    )
    return 0


def run_branch(args: argparse.Namespace) -> int:
    from central import auth
    from central.app import list_branches
    from core.errors import TabourError

    conn = _connect(args)
    if conn is None:
        return 2
    with conn:
        try:
            if args.branch_command == "add":
                token = auth.add_branch(conn, args.code, args.name_ar, args.name_en)
                print(f"added branch {args.code}")
                print(f"token: {token}")
                print("Give the branch's hub this token in a file: --central-token-file PATH (keep it secret).")
            elif args.branch_command == "token":
                token = auth.new_branch_token(conn, args.code)
                print(f"new token for {args.code}: {token}")
            else:
                for row in list_branches(conn):
                    print(f"{row['code']}\t{row['name_en']}\theld {row['held_seq']}\tlast batch {row['last_batch_at'] or '-'}")
        except TabourError as error:
            return _fail(error.message_en, error.message_ar, 1)
    return 0


def _read_password(prompt: str) -> str:
    if sys.stdin.isatty():
        first = getpass.getpass(prompt)
        if getpass.getpass("Again: ") != first:
            raise ValueError("the two passwords differ")
        return first
    return sys.stdin.readline().rstrip("\r\n")


def run_staff(args: argparse.Namespace) -> int:
    from central import auth
    from core.errors import TabourError

    password = None
    if args.staff_command in ("add", "reset-password"):
        try:
            auth.check_username(args.username)
            password = auth.check_password(_read_password(f"Password for {args.username}: "))
        except TabourError as error:
            return _fail(error.message_en, error.message_ar)
        except ValueError as error:
            return _fail(str(error))
    conn = _connect(args)
    if conn is None:
        return 2
    with conn:
        try:
            if args.staff_command == "add":
                auth.add_staff(conn, args.username, password, args.role)
                print(f"added {args.role} {args.username}")
            elif args.staff_command == "reset-password":
                auth.set_password(conn, args.username, password)
                print(f"password reset for {args.username}")
            elif args.staff_command == "remove":
                auth.remove_staff(conn, args.username)
                print(f"removed {args.username}")
            else:
                for username, role, active in conn.execute("SELECT username, role, active FROM staff ORDER BY lower(username)"):
                    print(f"{username}\t{role}\t{'active' if active else 'removed'}")
        except TabourError as error:
            return _fail(error.message_en, error.message_ar, 1)
    return 0


def run_migrate(args: argparse.Namespace) -> int:
    from central.schema import applied_migrations

    conn = _connect(args)
    if conn is None:
        return 2
    with conn:
        print("schema: " + ", ".join(applied_migrations(conn)))
    return 0
