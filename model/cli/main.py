"""Command line: ``python -m model <command>``; every command module adds its own subparser.

A refused input exits with status 2 and one line on standard error naming the problem; never a traceback.
"""

from __future__ import annotations

import argparse
import sys

from model.cli import province, run, seek, sensitivity, sweep, validate
from model.cli.common import EXIT_BAD_INPUT, TABLE_KEYS, BadInput, BadInputReport
from model.schema.scenario import ScenarioError

__all__ = ["EXIT_BAD_INPUT", "TABLE_KEYS", "build_parser", "main"]
COMMAND_MODULES = (run, seek, sweep, province, sensitivity, validate)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every command."""
    parser = argparse.ArgumentParser(prog="python -m model", description="Qujing household-income simulator")
    parser.add_argument("--lang", choices=("zh", "en"), default="zh", help="language of tables (default zh)")
    sub = parser.add_subparsers(dest="command", required=True)
    for module in COMMAND_MODULES:
        module.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point; returns the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except BadInput as exc:
        text = str(exc) if isinstance(exc, BadInputReport) else str(exc).replace("\n", "; ")
    except ScenarioError as exc:  # e.g. a run beyond the work budget, refused by the engine before any work
        text = exc.message(args.lang).replace("\n", "; ")
    print(f"error: {text}", file=sys.stderr)
    return EXIT_BAD_INPUT
