"""`family create|invite|accept|confirm|members|remove`, with safety-number comparison."""

from __future__ import annotations

import hmac
from typing import Annotated, Any

import typer

from normogen_client.cli import output
from normogen_client.cli.account import JsonOption, runtime
from normogen_client.cli.runtime import Account, CliError
from normogen_client.families import Family, Invitation, Member, key_fingerprint

app = typer.Typer(help="Families: share profiles with the people you care for.")
app.info.no_args_is_help = True
FamilyRef = Annotated[str, typer.Argument(help="Family id or name.")]
MemberRef = Annotated[str, typer.Argument(help="The member's email or user id.")]


def safety_number(public_key: bytes) -> str:
    """What two people compare out of band before a family key is sealed to a member."""
    return key_fingerprint(public_key)


def normalise_number(text: str) -> str:
    """Accept the number with any spacing or case, as people read it out."""
    digits = "".join(ch for ch in text.lower() if ch.isalnum())
    return " ".join(digits[i : i + 4] for i in range(0, len(digits), 4))


async def find_family(account: Account, reference: str) -> Family:
    families = await account.families.list_families()
    wanted = reference.casefold()
    for family in families:
        if family.id == reference or (family.name and str(family.name).casefold() == wanted):
            return await account.families.get(family.id)
    raise CliError(f"no family {reference!r} (see `normogen-client family list`)")


def find_member(family: Family, reference: str) -> Member:
    wanted = reference.casefold()
    for member in family.members:
        if member.user_id == reference or (member.email or "").casefold() == wanted:
            return member
    raise CliError(
        f"{reference!r} is not a member of this family (has the invitation been accepted?)"
    )


def family_json(family: Family) -> dict[str, Any]:
    return {
        "id": family.id,
        "name": family.name,
        "role": family.role,
        "status": family.status,
        "owner_id": family.owner_id,
        "created_at": family.created_at,
        "members": [member_json(m) for m in family.members],
        "invitations": family.invitations,
    }


def member_json(member: Member) -> dict[str, Any]:
    return {
        "user_id": member.user_id,
        "email": member.email,
        "role": member.role,
        "status": member.status,
        "joined_at": member.joined_at,
        "safety_number": safety_number(member.public_key) if member.public_key else None,
    }


@app.command("create")
def create(ctx: typer.Context, name: Annotated[str, typer.Argument(help="Encrypted.")]) -> None:
    """Create a family (its key is made here and sealed to you)."""
    rt = runtime(ctx)

    async def work() -> Family:
        async with rt.session() as account:
            return await account.families.create(name)

    family = rt.run(work)
    output.info(f"Created family {name} ({family.id}).")


@app.command("list")
def list_(ctx: typer.Context, as_json: JsonOption = False) -> None:
    """Your families."""
    rt = runtime(ctx)

    async def work() -> list[Family]:
        async with rt.session() as account:
            return await account.families.list_families()

    families = rt.run(work)
    if as_json:
        output.emit_json([family_json(f) for f in families])
        return
    output.table(
        "Families",
        ["id", "name", "your role", "status"],
        [[f.id, f.name or "(locked until confirmed)", f.role, f.status] for f in families],
    )


@app.command("invite")
def invite(
    ctx: typer.Context,
    family: FamilyRef,
    email: Annotated[str, typer.Argument(help="Who to invite.")],
    role: Annotated[str, typer.Option(help="caregiver or viewer.")] = "viewer",
) -> None:
    """Invite someone (they accept, then you confirm them with `family confirm`)."""
    rt = runtime(ctx)
    if role not in ("caregiver", "viewer"):
        raise CliError("--role must be caregiver or viewer")

    async def work() -> dict[str, Any]:
        async with rt.session() as account:
            found = await find_family(account, family)
            return await account.families.invite(found.id, email, role)

    rt.run(work)
    output.info(f"Invited {email} as {role}. When they have accepted, compare safety numbers and")
    output.info(f"run: normogen-client family confirm {family} {email}")


@app.command("invitations")
def invitations(ctx: typer.Context, as_json: JsonOption = False) -> None:
    """Invitations addressed to you."""
    rt = runtime(ctx)

    async def work() -> list[Invitation]:
        async with rt.session() as account:
            return await account.families.invitations()

    found = rt.run(work)
    if as_json:
        output.emit_json(found)
        return
    output.table(
        "Invitations",
        ["id", "family", "role", "from", "expires"],
        [[i.id, i.family_id, i.role, i.inviter_email, output.when(i.expires_at)] for i in found],
    )


@app.command("accept")
def accept(
    ctx: typer.Context,
    invitation_id: Annotated[
        str | None, typer.Argument(help="Default: your only pending invitation.")
    ] = None,
) -> None:
    """Accept an invitation; then read your safety number to the family's owner."""
    rt = runtime(ctx)

    async def work() -> tuple[Family, str]:
        async with rt.session() as account:
            chosen = invitation_id
            if chosen is None:
                pending = await account.families.invitations()
                if len(pending) != 1:
                    raise CliError(f"you have {len(pending)} invitations; name one by id")
                chosen = pending[0].id
            family = await account.families.accept(chosen)
            keys = account.client.keys
            number = safety_number(keys.public_key) if keys else ""
            return family, number

    family, number = rt.run(work)
    output.info(f"Joined family {family.id}. Read this safety number to its owner:")
    output.info(f"  {number}")
    output.info("They confirm you with it; the family's profiles open once they have.")


@app.command("safety-number")
def my_number(ctx: typer.Context) -> None:
    """Your own safety number (read it out to a family owner who confirms you)."""
    rt = runtime(ctx)

    async def work() -> str:
        async with rt.session() as account:
            keys = account.client.keys
            if keys is None:
                raise CliError("not logged in")
            return safety_number(keys.public_key)

    output.info(rt.run(work))


@app.command("confirm")
def confirm(
    ctx: typer.Context,
    family: FamilyRef,
    member: MemberRef,
    number: Annotated[
        str | None,
        typer.Option("--safety-number", help="The number the member read out to you."),
    ] = None,
    yes: Annotated[
        bool, typer.Option("--yes", help="Trust the key shown without comparing (not advised).")
    ] = False,
) -> None:
    """Compare the member's safety number, then give them the family key."""
    rt = runtime(ctx)

    async def work() -> tuple[Member, str]:
        async with rt.session() as account:
            found = await find_family(account, family)
            target = find_member(found, member)
            if target.public_key is None:
                raise CliError("this member has not accepted the invitation yet")
            shown = safety_number(target.public_key)
            output.info(
                f"Safety number of {target.email or target.user_id} as the server shows it:"
            )
            output.info(f"  {shown}")
            if number is not None:
                if not hmac.compare_digest(normalise_number(number), shown):
                    raise CliError(
                        "the safety numbers differ: do not confirm (the server may be "
                        "showing a key that is not theirs)"
                    )
            elif not yes and not typer.confirm(
                "Does it match the number they read out to you?", default=False
            ):
                raise CliError("not confirmed")
            confirmed = await account.families.confirm(
                found, target.user_id, expected_fingerprint=shown
            )
            return confirmed, shown

    confirmed, _ = rt.run(work)
    output.info(f"Confirmed {member}: they can now open the family's profiles ({confirmed.role}).")


@app.command("members")
def members(ctx: typer.Context, family: FamilyRef, as_json: JsonOption = False) -> None:
    """Members and pending invitations of a family."""
    rt = runtime(ctx)

    async def work() -> Family:
        async with rt.session() as account:
            return await find_family(account, family)

    found = rt.run(work)
    if as_json:
        output.emit_json(family_json(found))
        return
    output.table(
        f"Family {found.name or found.id}",
        ["user id", "email", "role", "status", "safety number"],
        [
            [m.user_id, m.email, m.role, m.status, member_json(m)["safety_number"]]
            for m in found.members
        ],
    )
    for pending in found.invitations:
        output.info(f"invited: {pending.get('email')} ({pending.get('role')})")


@app.command("remove")
def remove(ctx: typer.Context, family: FamilyRef, member: MemberRef) -> None:
    """Remove a member (their access ends at once)."""
    rt = runtime(ctx)

    async def work() -> None:
        async with rt.session() as account:
            found = await find_family(account, family)
            await account.families.remove(found.id, find_member(found, member).user_id)

    rt.run(work)
    output.info(f"Removed {member} from the family.")
