"""Tabour: pick a role and start it.

    python main.py                 the all-in-one demo (hub + kiosk + counter + board)
    python main.py hub ...         the hub alone
    python main.py clerk add NAME  manage clerks
    python main.py backup PATH     copy the database while the hub runs
    python main.py print-test ...  print a sample ticket
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

    from hub import cli as hub_cli

    from counter_ui import cli as counter_cli
    from display_board import cli as display_cli
    from launcher import cli as launcher_cli
    from printer import cli as printer_cli
    from reports import cli as reports_cli

    hub_cli.register(subparsers)
    printer_cli.register(subparsers)
    reports_cli.register(subparsers)
    counter_cli.register(subparsers)
    display_cli.register(subparsers)
    launcher_cli.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.role is None:
        args = parser.parse_args(["hub", *([] if argv is None else argv)])
    return int(args.func(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
