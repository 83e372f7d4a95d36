"""`family create|invite|accept|confirm|members|remove`, with safety-number comparison."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from normogen_client.cli import output
from normogen_client.cli.account import JsonOption, runtime
from normogen_client.cli.runtime import Account, CliError
from normogen_client.crypto import Party, b64d
from normogen_client.families import Family, Invitation, Member

app = typer.Typer(help="Families: share profiles with the people you care for.")
app.info.no_args_is_help = True
FamilyRef = Annotated[str, typer.Argument(help="Family id or name.")]
MemberRef = Annotated[str, typer.Argument(help="The member's email or user id.")]
NumberOpt = Annotated[
    str | None,
    typer.Option("--safety-number", help="The 60-digit number they read out to you."),
]
TofuOpt = Annotated[
    bool,
    typer.Option(
        "--trust-on-first-use",
        help="Pin their keys as shown, without comparing (weaker; see docs/crypto.md).",
    ),
]


def compare(
    account: Account,
    party: Party,
    who: str,
    number: str | None,
    tofu: bool,
) -> tuple[str | None, bool]:
    """Show the safety number with `party`; returns what to verify with (docs/crypto.md, 7).

    With `--safety-number` the library checks it against the keys the server shows; without,
    the user confirms interactively that both screens show the same number.
    """
    shown = account.families.safety_number(party)
    output.info(f"Safety number with {who} (they see the same one):")
    output.info(f"  {shown}")
    if number is not None or tofu:
        return number, tofu
    if not typer.confirm("Does it match the number they read out to you?", default=False):
        raise CliError("not verified: nothing was changed")
    return shown, False


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


def family_json(family: Family, account: Account | None = None) -> dict[str, Any]:
    return {
        "id": family.id,
        "name": family.name,
        "role": family.role,
        "status": family.status,
        "owner_id": family.owner_id,
        "created_at": family.created_at,
        "members": [member_json(m, account) for m in family.members],
        "invitations": family.invitations,
        "key_epoch": family.key_epoch,
        "owner_safety_number": family.owner_safety_number,
    }


def member_json(member: Member, account: Account | None = None) -> dict[str, Any]:
    party = member.party
    number = None
    if account is not None and party is not None:
        number = account.families.safety_number(party)
    return {
        "safety_number": number,
        "user_id": member.user_id,
        "email": member.email,
        "role": member.role,
        "status": member.status,
        "joined_at": member.joined_at,
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


def invitation_json(invitation: Invitation, account: Account) -> dict[str, Any]:
    owner = invitation.owner
    return {
        "id": invitation.id,
        "family_id": invitation.family_id,
        "role": invitation.role,
        "inviter_email": invitation.inviter_email,
        "owner_id": owner.user_id if owner else None,
        "safety_number": account.families.safety_number(owner) if owner else None,
        "created_at": invitation.created_at,
        "expires_at": invitation.expires_at,
    }


@app.command("invitations")
def invitations(ctx: typer.Context, as_json: JsonOption = False) -> None:
    """Invitations addressed to you, with the safety number to compare with each owner."""
    rt = runtime(ctx)

    async def work() -> list[dict[str, Any]]:
        async with rt.session() as account:
            return [invitation_json(i, account) for i in await account.families.invitations()]

    found = rt.run(work)
    if as_json:
        output.emit_json(found)
        return
    output.table(
        "Invitations",
        ["id", "role", "from", "expires", "safety number"],
        [
            [
                i["id"],
                i["role"],
                i["inviter_email"],
                output.when(i["expires_at"]),
                i["safety_number"],
            ]
            for i in found
        ],
    )


@app.command("accept")
def accept(
    ctx: typer.Context,
    invitation_id: Annotated[
        str | None, typer.Argument(help="Default: your only pending invitation.")
    ] = None,
    number: NumberOpt = None,
    tofu: TofuOpt = False,
) -> None:
    """Compare the safety number with the family's owner, then join."""
    rt = runtime(ctx)

    async def work() -> Family:
        async with rt.session() as account:
            pending = await account.families.invitations()
            if invitation_id is None and len(pending) != 1:
                raise CliError(f"you have {len(pending)} invitations; name one by id")
            chosen = next((i for i in pending if invitation_id in (None, i.id)), None)
            if chosen is None:
                raise CliError(f"no pending invitation {invitation_id}")
            if chosen.owner is None:
                raise CliError("the invitation does not show the owner's keys")
            who = chosen.inviter_email or chosen.owner.user_id
            verified, pin = compare(account, chosen.owner, who, number, tofu)
            return await account.families.accept(
                chosen, safety_number=verified, trust_on_first_use=pin
            )

    family = rt.run(work)
    output.info(f"Joined family {family.id}; its profiles open once the owner confirms you.")


@app.command("safety-number")
def safety_number_command(
    ctx: typer.Context,
    family: FamilyRef,
    member: Annotated[
        str | None, typer.Argument(help="A member (owner); default: the family's owner.")
    ] = None,
) -> None:
    """The number to compare out of band with a member, or with the family's owner."""
    rt = runtime(ctx)

    async def work() -> str:
        async with rt.session() as account:
            found = await find_family(account, family)
            if member is None:
                return account.families.safety_number(found.owner)
            party = find_member(found, member).party
            if party is None:
                raise CliError("this member has not accepted the invitation yet")
            return account.families.safety_number(party)

    output.info(rt.run(work))


@app.command("confirm")
def confirm(
    ctx: typer.Context,
    family: FamilyRef,
    member: MemberRef,
    number: NumberOpt = None,
    tofu: TofuOpt = False,
) -> None:
    """Compare the member's safety number, then give them the family key (signed by you)."""
    rt = runtime(ctx)

    async def work() -> Member:
        async with rt.session() as account:
            found = await find_family(account, family)
            target = find_member(found, member)
            if target.party is None:
                raise CliError("this member has not accepted the invitation yet")
            who = target.email or target.user_id
            verified, pin = compare(account, target.party, who, number, tofu)
            return await account.families.confirm(
                found, target.user_id, safety_number=verified, trust_on_first_use=pin
            )

    confirmed = rt.run(work)
    output.info(f"Confirmed {member}: they can now open the family's profiles ({confirmed.role}).")


@app.command("members")
def members(ctx: typer.Context, family: FamilyRef, as_json: JsonOption = False) -> None:
    """Members (with safety numbers) and pending invitations of a family."""
    rt = runtime(ctx)

    async def work() -> dict[str, Any]:
        async with rt.session() as account:
            return family_json(await find_family(account, family), account)

    found = rt.run(work)
    if as_json:
        output.emit_json(found)
        return
    output.table(
        f"Family {found['name'] or found['id']}",
        ["user id", "email", "role", "status", "safety number"],
        [
            [m["user_id"], m["email"], m["role"], m["status"], m["safety_number"]]
            for m in found["members"]
        ],
    )
    for pending in found["invitations"]:
        output.info(f"invited: {pending.get('email')} ({pending.get('role')})")


@app.command("remove")
def remove(ctx: typer.Context, family: FamilyRef, member: MemberRef) -> None:
    """Remove a member: their access ends at once and the family key is rotated."""
    rt = runtime(ctx)

    async def work() -> None:
        async with rt.session() as account:
            found = await find_family(account, family)
            await account.families.remove(found, find_member(found, member).user_id)

    rt.run(work)
    output.info(f"Removed {member}; the family's keys were rotated.")


@app.command("verify")
def verify(
    ctx: typer.Context,
    family_id: Annotated[
        str | None, typer.Argument(help="Default: list the families whose owner is unverified.")
    ] = None,
    number: NumberOpt = None,
    tofu: TofuOpt = False,
) -> None:
    """Verify a family's owner on this device (a new device trusts no one yet)."""
    rt = runtime(ctx)

    async def work() -> list[list[str]]:
        async with rt.session() as account:
            body = (await account.client.request("GET", "/api/v1/families")).json()
            pending: list[list[str]] = []
            me = account.client.session().user_id
            for item in body["families"]:
                owner = Party(
                    item["owner_id"],
                    b64d(item["owner_identity_key"]),
                    b64d(item["owner_public_key"]),
                )
                if owner.user_id == me or account.client.trust.pin_of(owner.user_id):
                    continue
                if family_id is None:
                    shown = account.families.safety_number(owner)
                    pending.append([item["id"], item["role"], owner.user_id, shown])
                elif item["id"] == family_id:
                    verified, pin = compare(
                        account, owner, f"the owner {owner.user_id}", number, tofu
                    )
                    keys = account.client.keys
                    if keys is None:
                        raise CliError("not logged in")
                    if verified is not None:
                        account.client.trust.verify(owner, keys.party, verified)
                    elif pin:
                        account.client.trust.pin_on_first_use(owner)
                    return []
            if family_id is not None:
                raise CliError(f"no family {family_id} with an unverified owner")
            return pending

    pending = rt.run(work)
    if family_id is not None:
        output.info(f"Verified the owner of family {family_id} on this device.")
        return
    output.table(
        "Families whose owner this device has not verified",
        ["family id", "your role", "owner", "safety number"],
        pending,
    )
