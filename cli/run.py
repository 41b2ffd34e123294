"""Running the program: a command runs headless and returns its exit code (0 done, 1 done
but something is wrong, 2 a bad request: its sentence goes to stderr); no command opens
the window."""

from __future__ import annotations

import sys

from cli.parser import build_parser
from cli.sign_in import database_location, password_of, username_of
from db.foundations.private_files import keep_new_files_private


def run(argv: list[str] | None = None, *, started_at: float | None = None) -> int:
    """Parse the command line and run it; return the process exit code. `started_at`
    (perf_counter at the program's start) lets the window time its own start."""
    from sqlalchemy.exc import DBAPIError

    from db.foundations.errors import (
        SQLITE_ERRORS,
        RabtaError,
        ValidationError,
        explain_database_error,
    )

    keep_new_files_private()
    args = build_parser().parse_args(argv)
    try:
        if args.self_test:
            from reports.self_test import run_self_test

            return run_self_test(sys.stdout)
        if args.command is not None:
            return args.handler(args)
        return _open_window(args, started_at)
    except ValidationError as error:
        for message in error.errors.values():
            print(f"rabta: {message}", file=sys.stderr)
        return 2
    except RabtaError as error:
        print(f"rabta: {error}", file=sys.stderr)
        return 2
    except (DBAPIError, *SQLITE_ERRORS) as error:
        explained = explain_database_error(error, database_location(args))
        if explained is None:
            raise
        print(f"rabta: {explained}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


def _open_window(args, started_at: float | None) -> int:
    from desktop.data_first import import_database_libraries

    import_database_libraries()
    from desktop.app import run_window

    unattended = None
    if args.window_password_file:
        unattended = (username_of(args), password_of(args))
    return run_window(
        database_location(args),
        username=args.window_user,
        unattended=unattended,
        startup_probe=args.startup_probe,
        started_at=started_at,
    )
