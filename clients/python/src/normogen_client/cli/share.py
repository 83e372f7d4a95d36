"""`share create|list|log|revoke` and `share open URL`: records for a doctor, by link."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Annotated, Any

import typer

from normogen_client.cli import output
from normogen_client.cli.account import JsonOption, read_password, runtime
from normogen_client.cli.record_options import Kind, parse_instant, to_end_of_day
from normogen_client.cli.runtime import CliError, Runtime
from normogen_client.crypto import CryptoError
from normogen_client.links import LinkInfo, SharedLink, link_needs_password, open_link
from normogen_client.payloads import summary
from normogen_client.records import Record, parse_time

app = typer.Typer(help="Share links: selected records, readable with the link alone.")
app.info.no_args_is_help = True
_DURATION = re.compile(r"^(\d+)([mhdw])$")
_UNITS = {"m": "minutes", "h": "hours", "d": "days", "w": "weeks"}


def parse_duration(text: str) -> timedelta:
    match = _DURATION.match(text.strip().lower())
    if not match:
        raise CliError(f"{text!r} is not a duration like 30m, 12h, 7d or 2w")
    return timedelta(**{_UNITS[match[2]]: int(match[1])})


@app.command("create")
def create(
    ctx: typer.Context,
    profile: Annotated[str, typer.Argument(help="Profile id or name.")],
    record: Annotated[list[str] | None, typer.Option("--record", help="A record id.")] = None,
    kind: Annotated[list[Kind] | None, typer.Option("--kind", help="Records of a kind.")] = None,
    since: Annotated[str | None, typer.Option("--from", help="Records from this date.")] = None,
    until: Annotated[str | None, typer.Option("--to", help="Records up to this date.")] = None,
    expires: Annotated[str, typer.Option(help="Lifetime: 30m, 12h, 7d, 2w.")] = "7d",
    max_access: Annotated[int | None, typer.Option(min=1, help="Opens allowed.")] = None,
    password: Annotated[bool, typer.Option(help="Ask for a password the opener needs.")] = False,
    password_stdin: Annotated[bool, typer.Option(help="Read that password from stdin.")] = False,
    label: Annotated[str | None, typer.Option(help="Your private note (encrypted).")] = None,
    as_json: JsonOption = False,
) -> None:
    """Share records: by id, or by kind and date range (default: all of the profile's)."""
    rt = runtime(ctx)
    lifetime = parse_duration(expires)
    secret = (
        read_password(password_stdin, confirm=not password_stdin, prompt="Link password")
        if password or password_stdin
        else None
    )
    start = parse_instant(since) if since else None
    end = to_end_of_day(parse_instant(until), until) if until else None

    async def work() -> tuple[SharedLink, int]:
        async with rt.session() as account:
            found = await account.profile(profile)
            chosen: list[Record] = []
            if record:
                for record_id in record:
                    owner, item = await account.record(record_id)
                    if owner.id != found.id:
                        raise CliError(f"record {record_id} is not in this profile")
                    chosen.append(item)
            else:
                kinds = [k.value for k in kind or ()]
                async for item in account.health.records(found, kinds=kinds, start=start, end=end):
                    chosen.append(item)
            if not chosen:
                raise CliError("no records match; nothing shared")
            shared = await account.links.share_records(
                found,
                chosen,
                expires_in=lifetime,
                max_access_count=max_access,
                password=secret,
                label=label,
            )
            return shared, len(chosen)

    shared, count = rt.run(work)
    if as_json:
        output.emit_json({"id": shared.id, "url": shared.url, "expires_at": shared.expires_at,
                          "records": count, "has_password": shared.has_password})  # fmt: skip
        return
    output.info(f"Shared {count} records until {output.when(shared.expires_at)}:")
    output.info(shared.url)
    if shared.has_password:
        output.info(
            "The key is in the part after '#'; the link also needs its password: "
            "send that another way."
        )
    else:
        output.info("The key is in the part after '#': anyone with the full URL can read it.")


def _link_json(link: LinkInfo) -> dict[str, Any]:
    return {
        "id": link.id,
        "status": link.status,
        "label": link.label,
        "created_at": link.created_at,
        "expires_at": link.expires_at,
        "max_access_count": link.max_access_count,
        "access_count": link.access_count,
        "has_password": link.has_password,
        "accesses": link.accesses,
    }


@app.command("list")
def list_(ctx: typer.Context, as_json: JsonOption = False) -> None:
    """Your share links and their status."""
    rt = runtime(ctx)

    async def work() -> list[LinkInfo]:
        async with rt.session() as account:
            return await account.links.list_links()

    links = rt.run(work)
    if as_json:
        output.emit_json([_link_json(link) for link in links])
        return
    output.table(
        "Share links",
        ["id", "label", "status", "opened", "expires", "password"],
        [
            [
                link.id,
                link.label,
                link.status,
                f"{link.access_count}/{link.max_access_count or '∞'}",
                output.when(link.expires_at),
                "yes" if link.has_password else "no",
            ]
            for link in links
        ],
    )


@app.command("log")
def log(
    ctx: typer.Context,
    link_id: Annotated[str, typer.Argument(help="From `share list`.")],
    as_json: JsonOption = False,
) -> None:
    """Who opened a link, and when."""
    rt = runtime(ctx)

    async def work() -> LinkInfo:
        async with rt.session() as account:
            return await account.links.get(link_id)

    link = rt.run(work)
    if as_json:
        output.emit_json(_link_json(link))
        return
    output.table(
        f"Accesses of {link.id} ({link.status})",
        ["when", "network", "browser"],
        [
            [
                output.when(parse_time(a["at"])) if a.get("at") else "",
                a.get("ip"),
                a.get("agent"),
            ]
            for a in link.accesses
        ],
    )


@app.command("revoke")
def revoke(ctx: typer.Context, link_id: Annotated[str, typer.Argument()]) -> None:
    """End a link now."""
    rt = runtime(ctx)

    async def work() -> None:
        async with rt.session() as account:
            await account.links.revoke(link_id)

    rt.run(work)
    output.info(f"Link {link_id} revoked.")


@app.command("open")
def open_(
    ctx: typer.Context,
    url: Annotated[str, typer.Argument(help="The whole link, including the part after '#'.")],
    password: Annotated[
        bool, typer.Option(help="Ask for the password (links that say they need one ask anyway).")
    ] = False,
    password_stdin: Annotated[bool, typer.Option(help="Read that password from stdin.")] = False,
    as_json: JsonOption = False,
) -> None:
    """Open someone's share link (no account needed)."""
    rt: Runtime = runtime(ctx)
    try:
        needs_password = link_needs_password(url)
    except CryptoError as error:
        raise CliError(f"{error}: copy the whole link, including the part after '#'") from None
    asked = password or password_stdin
    if needs_password is False and asked:
        raise CliError(
            "this link has no password: open it without --password "
            "(if you were given one, the link was altered; ask for a new one)"
        )
    secret = (
        read_password(password_stdin, prompt="Link password") if asked or needs_password else None
    )

    async def work() -> Any:
        return await open_link(url, password=secret)

    content = rt.run(work)
    if as_json:
        output.emit_json(content)
        return
    if not isinstance(content, dict) or content.get("format") != "normogen-share":
        output.emit_json(content)
        return
    metadata = (content.get("profile") or {}).get("metadata") or {}
    rows = content.get("records") or []
    output.info(f"Shared records of {metadata.get('name', 'a profile')}:")
    output.table(
        None,
        ["when", "kind", "summary"],
        [
            [r.get("occurred_at"), r.get("kind"), summary(r.get("kind", ""), r.get("data"))]
            for r in rows
        ],
    )
