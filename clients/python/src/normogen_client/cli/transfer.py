"""`export`, `import` and `demo`: data out of and into the account."""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from normogen_client.cli import output
from normogen_client.cli.account import runtime
from normogen_client.cli.config import write_private
from normogen_client.cli.runtime import CliError
from normogen_client.interop.csv_format import read_csv, write_csv
from normogen_client.interop.document import ExportDocument, ImportFormatError, collect
from normogen_client.interop.fhir import from_bundle, to_bundle
from normogen_client.interop.importer import ImportReport, import_document


class Format(StrEnum):
    json = "json"
    csv = "csv"
    fhir = "fhir"


def render(document: ExportDocument, kind: Format) -> str:
    if kind is Format.csv:
        return write_csv(document)
    body = to_bundle(document) if kind is Format.fhir else document.to_json()
    return json.dumps(body, indent=2, ensure_ascii=False) + "\n"


def parse(text: str, kind: Format | None, name: str) -> ExportDocument:
    """A document from JSON, CSV or a FHIR Bundle (`kind` None: detected from the content)."""
    stripped = text.lstrip()
    if kind is None:
        kind = Format.csv if not stripped.startswith("{") else Format.json
    try:
        if kind is Format.csv:
            return read_csv(text)
        body = json.loads(text)
    except ValueError as error:
        raise CliError(f"{name}: not valid JSON ({error})") from None
    except ImportFormatError as error:
        raise CliError(f"{name}: {error}") from None
    try:
        if isinstance(body, dict) and body.get("resourceType") == "Bundle":
            return from_bundle(body)
        if kind is Format.fhir:
            raise ImportFormatError("not a FHIR Bundle")
        return ExportDocument.from_json(body)
    except ImportFormatError as error:
        raise CliError(f"{name}: {error}") from None


def export(
    ctx: typer.Context,
    out: Annotated[
        Path | None, typer.Option("--output", "-o", help="File to write (default: stdout).")
    ] = None,
    decrypted: Annotated[
        bool, typer.Option(help="Decrypt here (else: the server's encrypted export).")
    ] = False,
    kind: Annotated[Format, typer.Option("--format", help="With --decrypted.")] = Format.json,
    profile: Annotated[
        list[str] | None, typer.Option("--profile", "-p", help="Only these profiles.")
    ] = None,
) -> None:
    """Export the account: encrypted as the server keeps it, or --decrypted as JSON/CSV/FHIR."""
    rt = runtime(ctx)

    async def work() -> bytes:
        async with rt.session() as account:
            if not decrypted:
                chunks = [chunk async for chunk in account.client.export_stream()]
                return b"".join(chunks)
            chosen = (
                [await account.profile(p) for p in profile] if profile else await account.profiles()
            )
            document = await collect(account.health, chosen)
            return render(document, kind).encode("utf-8")

    data = rt.run(work)
    if out is None:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return
    write_private(out, data)  # complete or not at all, readable by you only
    what = f"decrypted {kind.value}" if decrypted else "encrypted"
    output.errors.print(f"Wrote the {what} export to {out} ({len(data)} bytes).", markup=False)


def import_(
    ctx: typer.Context,
    source: Annotated[str, typer.Argument(help="A file, or - for stdin.")],
    kind: Annotated[
        Format | None, typer.Option("--format", help="Default: detected from the content.")
    ] = None,
) -> None:
    """Import a JSON export, a CSV file or a FHIR Bundle (again: nothing new is created)."""
    rt = runtime(ctx)
    try:
        text = sys.stdin.read() if source == "-" else Path(source).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise CliError(f"cannot read {source}: {error}") from None
    document = parse(text, kind, source)

    async def work() -> ImportReport:
        async with rt.session() as account:
            existing = await account.profiles()
            return await import_document(account.health, document, existing)

    report = rt.run(work)
    output.info(
        f"Imported {report.records_created} new records "
        f"({report.records_skipped} already present); profiles created: "
        f"{', '.join(report.profiles_created) or 'none'}; matched: "
        f"{', '.join(report.profiles_matched) or 'none'}."
    )


def demo(
    ctx: typer.Context,
    domain: Annotated[str, typer.Option(help="Email domain of the demo accounts.")] = "example.org",
    password_stdin: Annotated[
        bool, typer.Option(help="Read the demo accounts' password from stdin.")
    ] = False,
    login: Annotated[bool, typer.Option(help="Stay logged in as the first parent.")] = True,
) -> None:
    """Create a demo household on the server (generated people and data) and print the logins."""
    from normogen_client.cli.account import read_password
    from normogen_client.cli.runtime import Account, ask_passphrase
    from normogen_client.cli.store import StoreError, choose_store
    from normogen_client.demo import create_household

    rt = runtime(ctx)
    password = read_password(True) if password_stdin else None

    async def work() -> tuple[list[tuple[str, str, str]], str | None]:
        household = await create_household(
            rt.new_client, domain=domain, password=password, progress=output.info
        )
        problem = None
        try:
            if login:
                rt.adopt(Account.of(household.clients[0]), choose_store(None, ask_passphrase))
        except StoreError as error:
            problem = str(error)  # the household exists: still print its logins
        finally:
            for client in household.clients:
                await client.aclose()
        return household.logins, problem

    logins, problem = rt.run(work)
    output.table("Demo logins", ["who", "email", "password"], logins)
    if problem is not None:
        output.errors.print(f"not logged in: {problem}", markup=False)
    elif login:
        output.info(f"Logged in as {logins[0][1]}. Try: normogen-client records list Alex")
