"""Every response the integration tests receive is checked against the OpenAPI document.

`ContractChecker(document).check(response)` fails when a documented operation answers with a
status it does not document, without a header it documents as required, or with a body its
schema for that status rejects. The `http`
and `auth_http` fixtures (tests/conftest.py, tests/accounts.py) run it on every response, so
the happy paths of every route, which a fuzzer rarely reaches, are held to the same contract
as schemathesis holds the rest (tests/contract/test_schemathesis.py).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

import httpx
import jsonschema_rs

_METHODS = ("get", "put", "post", "delete", "patch")


@dataclass(frozen=True)
class _Operation:
    method: str
    template: str
    pattern: re.Pattern[str]
    responses: dict[str, Any]


class ContractChecker:
    def __init__(self, document: dict[str, Any]) -> None:
        self.components = document.get("components", {})
        self.operations = [
            _Operation(
                method.upper(),
                template,
                re.compile("^" + re.sub(r"\{[^}]+\}", "[^/]+", template) + "$"),
                operation["responses"],
            )
            for template, item in document["paths"].items()
            for method, operation in item.items()
            if method in _METHODS
        ]
        self._validators: dict[tuple[str, str, str], Any] = {}

    def operation(self, method: str, path: str) -> _Operation | None:
        for operation in self.operations:
            if operation.method == method and operation.pattern.match(path):
                return operation
        return None

    def check(self, response: httpx.Response) -> None:
        request = response.request
        operation = self.operation(request.method, request.url.path)
        if operation is None:
            return  # not a documented operation (probes, docs, unknown paths)
        label = f"{operation.method} {operation.template}"
        status = str(response.status_code)
        spec = operation.responses.get(status)
        assert spec is not None, f"{label} answered {status}, which it does not document"
        for name, header in spec.get("headers", {}).items():
            if header.get("required"):
                assert name in response.headers, f"{label} {status} lacks its {name} header"
        content = spec.get("content")
        if not content:
            assert not response.content, f"{label} {status} has a body, documented as none"
            return
        media = response.headers.get("content-type", "").split(";")[0]
        assert media in content, f"{label} {status} answered {media!r}, not {list(content)}"
        key = (operation.method, operation.template, status)
        validator = self._validators.get(key)
        if validator is None:
            schema = {**content[media]["schema"], "components": self.components}
            validator = jsonschema_rs.validator_for(schema)
            self._validators[key] = validator
        body = json.loads(response.content)
        errors = [str(error) for error in validator.iter_errors(body)]
        assert not errors, f"{label} {status} body breaks its documented schema: {errors[:3]}"


def checking_hooks(document: dict[str, Any]) -> dict[str, list[Any]]:
    """httpx `event_hooks` that check each response (read in full first) against `document`."""
    checker = ContractChecker(document)

    async def on_response(response: httpx.Response) -> None:
        await response.aread()
        checker.check(response)

    return {"response": [on_response]}
