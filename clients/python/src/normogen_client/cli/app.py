"""The `normogen-client` command tree and its entry point (errors: one line, exit status 1)."""

from __future__ import annotations

import sys
from typing import Annotated

import typer
import typer.exceptions

from normogen_client.cli import account, output
from normogen_client.cli.config import Config
from normogen_client.cli.runtime import Runtime, explain

app = typer.Typer(
    name="normogen-client",
    help="Normogen from the terminal: end-to-end encrypted health records.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)


@app.callback()
def _options(
    ctx: typer.Context,
    server: Annotated[
        str | None,
        typer.Option(envvar="NORMOGEN_SERVER", help="The server's base URL (default: saved)."),
    ] = None,
) -> None:
    ctx.obj = Runtime(server)


def _register_commands() -> None:
    from normogen_client.cli import (
        family,
        meds,
        profiles,
        records,
        share,
        sync,
        transfer,
    )

    for command in (account.register, account.login, account.logout, account.status):
        app.command()(command)
    app.command("config")(account.config)
    app.command("events")(account.events)
    app.add_typer(account.sessions_app, name="sessions")
    app.add_typer(profiles.app, name="profiles")
    app.add_typer(records.app, name="records")
    app.add_typer(meds.app, name="meds")
    app.add_typer(family.app, name="family")
    app.add_typer(share.app, name="share")
    app.command("sync")(sync.sync)
    app.command("export")(transfer.export)
    app.command("import")(transfer.import_)
    app.command("demo")(transfer.demo)


_register_commands()


def main(argv: list[str] | None = None) -> int:
    """Run one command; returns (and, as a script, exits with) the exit status."""
    command = typer.main.get_command(app)
    try:
        result = command.main(
            args=sys.argv[1:] if argv is None else argv,
            prog_name="normogen-client",
            standalone_mode=False,
        )
    except typer.Abort:
        output.fail("aborted")
        return 1
    except typer.exceptions.TyperException as error:
        # Usage errors (Typer's own copy of Click's exceptions): the message and status 2.
        show = getattr(error, "show", None)
        if callable(show):
            show()
        return int(getattr(error, "exit_code", 2))
    except KeyboardInterrupt:
        output.fail("interrupted")
        return 130
    except Exception as error:
        message = explain(error, Config.load().server)
        if message is None:
            raise  # a bug: the traceback says where
        output.fail(message)
        return 1
    return result if isinstance(result, int) else 0
