"""`family ...` with safety-number comparison, and `share ...` with a doctor opening the link."""

from __future__ import annotations

import json
import re

from tests.e2e.cli.conftest import Device, DeviceFactory

NUMBER = re.compile(r"^\d{5}( \d{5}){11}$")


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
    number = invitation["safety_number"]
    assert NUMBER.match(number), number

    # The invitee must verify the owner: a wrong number or a "no" joins nothing.
    wrong = " ".join(["12345"] * 12)
    assert "does not match" in gran.fails("family", "accept", "--safety-number", wrong)
    declined = gran.run("family", "accept", stdin="n\n")
    assert declined.code == 1
    assert number in declined.out  # shown for comparison
    assert gran.json("family", "list") == []
    gran.ok("family", "accept", "--safety-number", number.replace(" ", ""))
    # Before confirmation the family's name is unreadable to the new member.
    assert gran.json("family", "list")[0]["name"] is None

    members = owner.json("family", "members", "The Lovelaces")["members"]
    shown = {m["email"]: m for m in members}[gran_email]
    assert shown["status"] == "accepted"
    assert shown["safety_number"] == number  # both sides see the same number
    line = owner.fails("family", "confirm", "The Lovelaces", gran_email, "--safety-number", wrong)
    assert "does not match" in line
    refused = owner.run("family", "confirm", "The Lovelaces", gran_email, stdin="n\n")
    assert refused.code == 1
    assert number in refused.out
    assert owner.ok("family", "safety-number", "The Lovelaces", gran_email).strip() == number
    assert gran.ok("family", "safety-number", family["id"]).strip() == number

    owner.ok("family", "confirm", "The Lovelaces", gran_email, "--safety-number", number)
    members = owner.json("family", "members", "The Lovelaces")["members"]
    assert {m["email"]: m["status"] for m in members}[gran_email] == "confirmed"
    owner.ok("profiles", "add", "Ada", "--type", "child", "--family", "The Lovelaces")
    assert [p["name"] for p in gran.json("profiles", "list")] == ["Ada"]
    gran.ok("records", "add", "-p", "Ada", "--kind", "note", "--text", "fed the cat")  # caregiver
    assert owner.json("records", "list", "Ada")[0]["data"] == {"text": "fed the cat"}
    assert gran.json("family", "list")[0]["name"] == "The Lovelaces"

    owner.ok("family", "remove", "The Lovelaces", gran_email)
    assert gran.json("profiles", "list") == []
    assert "no profile 'Ada'" in gran.fails("records", "list", "Ada")
    owner.ok("records", "add", "-p", "Ada", "--kind", "note", "--text", "after the rotation")
    assert len(owner.json("records", "list", "Ada")) == 2


def test_trust_on_first_use_and_interactive_yes(new_device: DeviceFactory) -> None:
    owner, member = new_device(), new_device()
    owner.register()
    email = member.register()
    owner.ok("family", "create", "Home")
    owner.ok("family", "invite", "Home", email)
    member.ok("family", "accept", "--trust-on-first-use")
    result = owner.run("family", "confirm", "Home", email, stdin="y\n")
    assert result.code == 0, result.err
    assert "Confirmed" in result.out
    assert member.json("family", "list")[0]["name"] == "Home"
    pins = json.loads((owner.config_dir / "trust.json").read_text())["pins"]
    assert [pin["method"] for pin in pins.values()] == ["verified"]
    pins = json.loads((member.config_dir / "trust.json").read_text())["pins"]
    assert [pin["method"] for pin in pins.values()] == ["tofu"]


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
        "4",
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
    # The fragment says the link needs a password (docs/crypto.md §8). Flipping the flag
    # weakens nothing: the CLI refuses a password for a "no password" link, and without one the
    # server refuses (no verifier) and the URL's secret alone would not decrypt anyway.
    base, fragment = url.split("#", 1)
    assert fragment.startswith("1p.")
    flipped = f"{base}#1n.{fragment[3:]}"
    assert "has no password" in doctor.fails(
        "share", "open", flipped, "--password-stdin", stdin="blue giraffe\n"
    )
    assert "HTTP 404" in doctor.fails("share", "open", flipped)
    # A link written before the flag (the bare secret) still opens with its password.
    assert "HbA1c: 6.1 %" in doctor.ok(
        "share", "open", f"{base}#{fragment[3:]}", "--password-stdin", stdin="blue giraffe\n"
    )
    assert "whole link" in doctor.fails("share", "open", f"{base}#2p.{fragment[3:]}")

    [listed] = device.json("share", "list")
    assert listed["label"] == "for Dr. Example"
    assert listed["access_count"] == 3
    log = device.json("share", "log", link["id"])
    assert len(log["accesses"]) == 3
    assert "127.0.0.0/24" in device.ok("share", "log", link["id"])  # the network, not the address
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
