"""`family ...` with safety-number comparison, and `share ...` with a doctor opening the link."""

from __future__ import annotations

import json
import re

from tests.e2e.cli.conftest import Device, DeviceFactory


def safety_number_of(output: str) -> str:
    match = re.search(r"^\s+([0-9a-f]{4}(?: [0-9a-f]{4}){7})\s*$", output, re.MULTILINE)
    assert match, output
    return match[1]


def test_family_invite_accept_confirm_members_remove(new_device: DeviceFactory) -> None:
    owner, gran = new_device(), new_device()
    owner.register()
    gran_email = gran.register()
    owner.ok("family", "create", "The Lovelaces")
    [family] = owner.json("family", "list")
    assert family["name"] == "The Lovelaces"
    owner.ok("family", "invite", "The Lovelaces", gran_email, "--role", "caregiver")
    [invitation] = gran.json("family", "invitations")
    assert invitation["family_id"] == family["id"]
    accepted = gran.ok("family", "accept")
    number = safety_number_of(accepted)
    assert safety_number_of(gran.ok("family", "safety-number")) == number
    # Before confirmation the family's name is unreadable to the new member.
    assert gran.json("family", "list")[0]["name"] is None

    wrong = "0000 " * 7 + "0000"
    line = owner.fails("family", "confirm", "The Lovelaces", gran_email, "--safety-number", wrong)
    assert "safety numbers differ" in line
    refused = owner.run("family", "confirm", "The Lovelaces", gran_email, stdin="n\n")
    assert refused.code == 1
    assert number in refused.out  # the number shown for comparison
    members = owner.json("family", "members", "The Lovelaces")["members"]
    assert {m["email"]: m["status"] for m in members}[gran_email] == "accepted"

    spaced = number.replace(" ", "").upper()  # read out without spaces, in capitals
    owner.ok("family", "confirm", "The Lovelaces", gran_email, "--safety-number", spaced)
    members = owner.json("family", "members", "The Lovelaces")["members"]
    assert {m["email"]: (m["status"], m["safety_number"]) for m in members}[gran_email] == (
        "confirmed",
        number,
    )
    owner.ok("profiles", "add", "Ada", "--type", "child", "--family", "The Lovelaces")
    assert [p["name"] for p in gran.json("profiles", "list")] == ["Ada"]
    gran.ok("records", "add", "-p", "Ada", "--kind", "note", "--text", "fed the cat")  # caregiver
    assert owner.json("records", "list", "Ada")[0]["data"] == {"text": "fed the cat"}
    assert gran.json("family", "list")[0]["name"] == "The Lovelaces"

    owner.ok("family", "remove", "The Lovelaces", gran_email)
    assert gran.json("profiles", "list") == []
    assert "no profile 'Ada'" in gran.fails("records", "list", "Ada")


def test_confirm_with_interactive_yes(new_device: DeviceFactory) -> None:
    owner, member = new_device(), new_device()
    owner.register()
    email = member.register()
    owner.ok("family", "create", "Home")
    owner.ok("family", "invite", "Home", email)
    member.ok("family", "accept")
    result = owner.run("family", "confirm", "Home", email, stdin="y\n")
    assert result.code == 0, result.err
    assert "Confirmed" in result.out
    assert member.json("family", "list")[0]["name"] == "Home"


def test_share_create_list_open_log_revoke(device: Device, new_device: DeviceFactory) -> None:
    device.ok("profiles", "add", "Ada")
    lab = device.json(
        "records",
        "add",
        "--kind",
        "lab_result",
        "--test",
        "HbA1c",
        "--value",
        "6.1",
        "--unit",
        "%",
    )
    device.json("records", "add", "--kind", "note", "--text", "not shared")
    created = device.run(
        "share",
        "create",
        "Ada",
        "--record",
        lab["id"],
        "--expires",
        "2d",
        "--max-access",
        "3",
        "--password-stdin",
        "--label",
        "for Dr. Example",
        "--json",
        stdin="blue giraffe\n",
    )
    assert created.code == 0, created.err
    link = json.loads(created.out)
    assert link["records"] == 1
    assert link["has_password"] is True
    url = link["url"]

    doctor = new_device()  # no account
    content = json.loads(
        doctor.ok("share", "open", url, "--password-stdin", "--json", stdin="blue giraffe\n")
    )
    assert content["profile"]["metadata"] == {"name": "Ada"}
    assert [r["data"] for r in content["records"]] == [lab["data"]]
    wrong = doctor.fails("share", "open", url, "--password-stdin", stdin="red giraffe\n")
    assert "HTTP 404" in wrong
    assert "HbA1c: 6.1 %" in doctor.ok(
        "share", "open", url, "--password-stdin", stdin="blue giraffe\n"
    )

    [listed] = device.json("share", "list")
    assert listed["label"] == "for Dr. Example"
    assert listed["access_count"] == 2
    log = device.json("share", "log", link["id"])
    assert len(log["accesses"]) == 2
    assert "127.0.0.1" in device.ok("share", "log", link["id"])
    device.ok("share", "revoke", link["id"])
    assert device.json("share", "list")[0]["status"] == "revoked"
    assert "HTTP 404" in doctor.fails(
        "share", "open", url, "--password-stdin", stdin="blue giraffe\n"
    )


def test_share_by_kind_and_nothing_to_share(device: Device) -> None:
    device.ok("profiles", "add", "Ada")
    assert "no records match" in device.fails("share", "create", "Ada", "--kind", "lab_result")
    device.ok("records", "add", "--kind", "note", "--text", "shared note")
    link = device.json("share", "create", "Ada", "--kind", "note", "--expires", "30m")
    assert link["records"] == 1
    assert "not a duration" in device.fails("share", "create", "Ada", "--expires", "soon")


def test_links_of_another_account_are_unreachable(
    device: Device, new_device: DeviceFactory
) -> None:
    device.ok("profiles", "add", "Ada")
    device.ok("records", "add", "--kind", "note", "--text", "x")
    link = device.json("share", "create", "Ada")
    stranger = new_device()
    stranger.register()
    assert "HTTP 404" in stranger.fails("share", "log", link["id"])
    assert "HTTP 404" in stranger.fails("share", "revoke", link["id"])
    assert device.json("share", "list")[0]["status"] == "active"
