"""`profiles list|add|show|rename|rm`: the people whose records the account keeps."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any

import typer

from normogen_client.cli import output
from normogen_client.cli.account import JsonOption, runtime
from normogen_client.cli.runtime import CliError, profile_name
from normogen_client.records import Profile

app = typer.Typer(help="Profiles: yourself, your children, your parents...", no_args_is_help=True)
ProfileRef = Annotated[str, typer.Argument(help="Profile id, id prefix or name.")]


class ProfileType(StrEnum):
    self = "self"
    child = "child"
    adult = "adult"
    elder = "elder"
    other = "other"


def profile_json(profile: Profile) -> dict[str, Any]:
    return {
        "id": profile.id,
        "name": profile_name(profile),
        "profile_type": profile.profile_type,
        "metadata": profile.metadata,
        "role": profile.role,
        "revision": profile.revision,
        "created_at": profile.created_at,
        "updated_at": profile.updated_at,
    }


@app.command("list")
def list_(ctx: typer.Context, as_json: JsonOption = False) -> None:
    """Every profile you own or reach through a family."""
    rt = runtime(ctx)

    async def work() -> list[Profile]:
        async with rt.session() as account:
            return await account.profiles()

    profiles = rt.run(work)
    if as_json:
        output.emit_json([profile_json(p) for p in profiles])
        return
    output.table(
        "Profiles",
        ["id", "name", "type", "your role", "updated"],
        [
            [p.id, profile_name(p), p.profile_type, p.role, output.when(p.updated_at)]
            for p in profiles
        ],
    )


@app.command("add")
def add(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="Shown in lists; encrypted like everything else.")],
    profile_type: Annotated[
        ProfileType, typer.Option("--type", help="Who it is.")
    ] = ProfileType.self,
    birth_date: Annotated[str | None, typer.Option(help="YYYY-MM-DD")] = None,
    family: Annotated[
        str | None, typer.Option(help="Create it in this family (id or name) instead.")
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Create a profile (its key and name are encrypted here)."""
    rt = runtime(ctx)
    metadata: dict[str, Any] = {"name": name}
    if birth_date:
        metadata["birth_date"] = birth_date

    async def work() -> Profile:
        async with rt.session() as account:
            if family is None:
                return await account.health.create_profile(profile_type.value, metadata)
            from normogen_client.cli.family import find_family

            found = await find_family(account, family)
            return await account.families.create_profile(found, profile_type.value, metadata)

    profile = rt.run(work)
    if as_json:
        output.emit_json(profile_json(profile))
        return
    output.info(f"Created profile {name} ({profile.id}).")


@app.command("show")
def show(ctx: typer.Context, profile: ProfileRef, as_json: JsonOption = False) -> None:
    """One profile with its decrypted details."""
    rt = runtime(ctx)

    async def work() -> Profile:
        async with rt.session() as account:
            return await account.profile(profile)

    found = rt.run(work)
    if as_json:
        output.emit_json(profile_json(found))
        return
    for key, value in profile_json(found).items():
        output.info(f"{key}: {output.jsonable(value)}")


@app.command("rename")
def rename(
    ctx: typer.Context,
    profile: ProfileRef,
    new_name: Annotated[str, typer.Argument(help="The new name.")],
) -> None:
    """Change a profile's name (other metadata is kept)."""
    rt = runtime(ctx)

    async def work() -> Profile:
        async with rt.session() as account:
            found = await account.profile(profile)
            metadata = {**found.metadata, "name": new_name}
            return await account.health.update_profile(found, metadata=metadata)

    updated = rt.run(work)
    output.info(f"Renamed profile {updated.id} to {new_name}.")


@app.command("rm")
def remove(
    ctx: typer.Context,
    profile: ProfileRef,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")] = False,
) -> None:
    """Delete a profile and all of its records."""
    rt = runtime(ctx)

    async def work() -> str:
        async with rt.session() as account:
            found = await account.profile(profile)
            name = profile_name(found)
            if not yes and not typer.confirm(f"Delete {name} and all of its records?"):
                raise CliError("nothing deleted")
            await account.health.delete_profile(found)
            return name

    name = rt.run(work)
    output.info(f"Deleted profile {name}.")
