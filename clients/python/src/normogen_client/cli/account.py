"""Account commands: register, login, logout, status, sessions, events and settings."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from normogen_client.cli import output
from normogen_client.cli.runtime import (
    Account,
    CliError,
    Runtime,
    SessionEnded,
    ask_passphrase,
    default_device,
)
from normogen_client.cli.store import choose_store
from normogen_client.models import AuthenticationError, SecurityEvent, SessionInfo

JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]
sessions_app = typer.Typer(help="The account's signed-in devices.", no_args_is_help=True)


def runtime(ctx: typer.Context) -> Runtime:
    result: Runtime = ctx.obj
    return result


def read_password(stdin: bool, *, confirm: bool = False, prompt: str = "Password") -> str:
    """From the first line of stdin (`--password-stdin`) or a hidden prompt."""
    if stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = typer.prompt(prompt, hide_input=True, confirmation_prompt=confirm)
    if not password:
        raise CliError("the password must not be empty")
    return password


def register(
    ctx: typer.Context,
    email: Annotated[str, typer.Argument(help="The account's email address.")],
    password_stdin: Annotated[bool, typer.Option(help="Read the password from stdin.")] = False,
    device: Annotated[str | None, typer.Option(help="A name for this device.")] = None,
    recovery: Annotated[
        bool,
        typer.Option(help="Create a recovery phrase (shown once) for a lost password."),
    ] = True,
) -> None:
    """Create an account; its keys are made and wrapped on this device."""
    rt = runtime(ctx)
    password = read_password(password_stdin, confirm=True)
    store = choose_store(None, ask_passphrase)
    store.prepare()  # a missing passphrase fails before the account exists

    async def work() -> str | None:
        client = rt.new_client()
        try:
            await client.register(email, password, device_name=device or default_device())
            phrase = await client.setup_recovery(password) if recovery else None
            rt.adopt(Account.of(client), store)
            return phrase
        finally:
            await client.aclose()

    phrase = rt.run(work)
    output.info(f"Registered and logged in as {email} on {rt.config.server}.")
    if phrase:
        output.info("Recovery phrase (write it down now; it is shown only once):")
        output.info(f"  {phrase}")


def login(
    ctx: typer.Context,
    email: Annotated[str | None, typer.Argument(help="Defaults to the last account used.")] = None,
    password_stdin: Annotated[bool, typer.Option(help="Read the password from stdin.")] = False,
    device: Annotated[str | None, typer.Option(help="A name for this device.")] = None,
) -> None:
    """Log in: the password is turned into keys here and never sent."""
    rt = runtime(ctx)
    email = email or rt.config.email
    if not email:
        raise CliError("give the account's email address")
    password = read_password(password_stdin)
    store = choose_store(None, ask_passphrase)

    async def work() -> None:
        store.prepare()  # before the old session is replaced
        await _end_previous(rt)
        client = rt.new_client()
        try:
            try:
                await client.login(email, password, device_name=device or default_device())
            except AuthenticationError:
                raise CliError("wrong email or password") from None
            rt.adopt(Account.of(client), store)
        finally:
            await client.aclose()

    rt.run(work)
    output.info(f"Logged in as {email} on {rt.config.server}.")


async def _end_previous(rt: Runtime) -> None:
    """A new login replaces the stored session (ending the old one on the server)."""
    if rt.config.store is None:
        return
    try:
        account = await rt.load()
    except (SessionEnded, CliError):
        return
    except Exception:
        rt.store().clear()  # unreadable (e.g. another passphrase): replaced by the new login
        return
    await rt.end(account, reason="replaced")


def logout(ctx: typer.Context) -> None:
    """End the session on the server and erase it from this device."""
    rt = runtime(ctx)

    async def work() -> bool:
        if rt.config.store is None:
            return False
        try:
            account = await rt.load()
        except SessionEnded:
            rt.store().clear()
            return False
        await rt.end(account, reason="logout")
        return True

    ended = rt.run(work)
    rt.config.store = None
    rt.config.save()
    output.info("Logged out." if ended else "No session was open on this device.")


def status(ctx: typer.Context, as_json: JsonOption = False) -> None:
    """Who is logged in, where, and how the session is kept."""
    rt = runtime(ctx)

    async def work() -> dict[str, object]:
        async with rt.session() as account:
            me = await account.client.me()
            return {
                "server": rt.config.server,
                "email": me.email,
                "user_id": me.id,
                "session_id": account.client.session().session_id,
                "has_recovery": me.has_recovery,
                "session_store": rt.store().name,
                "idle_timeout_seconds": rt.config.idle_timeout,
            }

    result = rt.run(work)
    if as_json:
        output.emit_json(result)
        return
    for key, value in result.items():
        output.info(f"{key.replace('_', ' ')}: {value}")


def config(
    ctx: typer.Context,
    idle_timeout: Annotated[
        int | None,
        typer.Option(min=0, help="Seconds without a command before the session locks."),
    ] = None,
    server: Annotated[str | None, typer.Option(help="The server's base URL.")] = None,
    kdf_iterations: Annotated[
        int | None, typer.Option(min=1, help="PBKDF2 iterations for new passwords.")
    ] = None,
    min_iterations: Annotated[
        int | None,
        typer.Option(min=1, help="Lowest PBKDF2 count accepted from a (development) server."),
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Show or change the settings (stored in the config directory, not secret)."""
    rt = runtime(ctx)
    changes = {
        "idle_timeout": idle_timeout,
        "server": server.rstrip("/") if server else None,
        "kdf_iterations": kdf_iterations,
        "min_iterations": min_iterations,
    }
    for name, value in changes.items():
        if value is not None:
            setattr(rt.config, name, value)
    if any(value is not None for value in changes.values()):
        rt.config.save()
    values = {
        "server": rt.config.server,
        "email": rt.config.email,
        "idle_timeout": rt.config.idle_timeout,
        "kdf_iterations": rt.config.kdf_iterations,
        "min_iterations": rt.config.min_iterations,
        "session_store": rt.config.store,
    }
    if as_json:
        output.emit_json(values)
        return
    for key, value in values.items():
        output.info(f"{key}: {value}")


@sessions_app.command("list")
def sessions_list(ctx: typer.Context, as_json: JsonOption = False) -> None:
    """Every signed-in device of the account."""
    rt = runtime(ctx)

    async def work() -> list[SessionInfo]:
        async with rt.session() as account:
            return await account.client.sessions()

    sessions = rt.run(work)
    if as_json:
        output.emit_json(sessions)
        return
    output.table(
        "Sessions",
        ["id", "device", "created", "last used", ""],
        [
            [
                s.id,
                s.device_name,
                output.when(s.created_at),
                output.when(s.last_used_at),
                "this device" if s.current else "",
            ]
            for s in sessions
        ],
    )


@sessions_app.command("revoke")
def sessions_revoke(
    ctx: typer.Context,
    session_id: Annotated[str, typer.Argument(help="From `sessions list`.")],
) -> None:
    """Sign a device out."""
    rt = runtime(ctx)

    async def work() -> None:
        async with rt.session() as account:
            await account.client.revoke_session(session_id)

    rt.run(work)
    output.info(f"Session {session_id} revoked.")


def events(
    ctx: typer.Context,
    limit: Annotated[int, typer.Option(min=1, max=1000, help="How many, newest first.")] = 50,
    as_json: JsonOption = False,
) -> None:
    """The account's security events (logins, password changes, revocations...)."""
    rt = runtime(ctx)

    async def work() -> list[SecurityEvent]:
        found: list[SecurityEvent] = []
        async with rt.session() as account:
            async for event in account.client.iter_events(page_size=min(limit, 100)):
                found.append(event)
                if len(found) >= limit:
                    break
        return found

    found = rt.run(work)
    if as_json:
        output.emit_json(found)
        return
    output.table(
        "Security events",
        ["when", "event", "ip", "client"],
        [[output.when(e.created_at), e.type, e.ip, e.agent] for e in found],
    )
