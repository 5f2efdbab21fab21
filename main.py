"""Tabour: pick a role and start it.

    python main.py                 the all-in-one demo (hub + kiosk + counter + board)
    python main.py hub ...         the hub alone
    python main.py kiosk|counter|display --hub URL ...   a device
    python main.py feedback --hub URL --counter N        the rating screen facing a counter's visitors
    python main.py clerk add NAME  manage clerks
    python main.py backup PATH     copy the database while the hub runs
    python main.py report ...      KPIs as csv, xlsx or pdf
    python main.py print-test ...  print a sample ticket
    python main.py simulate ...    drive a realistic day against a hub
    python main.py doctor          check this machine
    python main.py central ...     the ministry's central service (PostgreSQL)
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="tabour",
        description="Tabour (طابور): queue management for walk-in service halls. "
        "Run without a role for the all-in-one demo.",
    )
    subparsers = parser.add_subparsers(dest="role", metavar="ROLE")

    from central import cli as central_cli
    from counter_ui import cli as counter_cli
    from display_board import cli as display_cli
    from feedback_screen import cli as feedback_cli
    from hub import cli as hub_cli
    from kiosk import cli as kiosk_cli
    from launcher import allinone
    from launcher import cli as launcher_cli
    from printer import cli as printer_cli
    from reports import cli as reports_cli

    # Each role's package registers its own sub-command, in the order --help lists them.
    for module in (allinone, hub_cli, kiosk_cli, counter_cli, display_cli, feedback_cli, printer_cli, reports_cli, launcher_cli, central_cli):
        module.register(subparsers)
    return parser


def resolve_role(parser: argparse.ArgumentParser, argv: Sequence[str]) -> argparse.Namespace:
    """Parse `argv`; without a role (or with only the demo's options) it is the all-in-one demo."""
    argv = list(argv)
    roles = parser._subparsers._group_actions[0].choices  # noqa: SLF001 — argparse keeps them here
    if not argv or (argv[0] not in roles and argv[0] not in ("-h", "--help")):
        argv = ["demo", *argv]
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    try:
        parser = build_parser()
        args = resolve_role(parser, sys.argv[1:] if argv is None else argv)
        return int(args.func(args) or 0)
    except KeyboardInterrupt:
        # Ctrl+C before a role set up its own stop handling (while loading, or at a PIN prompt):
        # stopping is what was asked, so no traceback.
        print("stopped", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
