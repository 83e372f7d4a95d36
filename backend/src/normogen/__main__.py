"""`normogen`: serve | web | check-config | healthcheck | migrate | openapi | gen-secret."""

from __future__ import annotations

import argparse
import asyncio
import http.client
import json
import logging
import os
import secrets
import sys
from collections.abc import Sequence
from pathlib import Path

from normogen.config import ConfigError, Settings, ephemeral_secret, load_settings
from normogen.logging import configure_logging

log = logging.getLogger("normogen")
EXIT_CONFIG = 2


def _settings_or_exit() -> Settings:
    try:
        return load_settings()
    except ConfigError as exc:
        print("normogen: invalid configuration:", file=sys.stderr)  # noqa: T201
        for problem in exc.problems:
            print(f"  - {problem}", file=sys.stderr)  # noqa: T201
        raise SystemExit(EXIT_CONFIG) from None


def cmd_check_config(_: argparse.Namespace) -> int:
    settings = _settings_or_exit()
    print(json.dumps(settings.masked(), indent=2, default=str))  # noqa: T201
    return 0


def cmd_gen_secret(_: argparse.Namespace) -> int:
    # 48 random bytes, URL-safe base64: 64 characters, well over the 32-byte minimum.
    print(secrets.token_urlsafe(48))  # noqa: T201
    return 0


def cmd_healthcheck(args: argparse.Namespace) -> int:
    port = args.port or int(os.environ.get("SERVER_PORT", "8000"))
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=args.timeout)
    try:
        connection.request("GET", "/health")
        response = connection.getresponse()
        healthy = response.status == 200 and json.loads(response.read()).get("status") == "ok"
    except (OSError, ValueError):
        healthy = False
    finally:
        connection.close()
    return 0 if healthy else 1


def cmd_migrate(_: argparse.Namespace) -> int:
    from normogen.cli_support import run_migrations

    settings = _settings_or_exit()
    configure_logging(settings.LOG_LEVEL, settings.LOG_FORMAT)
    if settings.MONGODB_URI is None:
        print("normogen migrate: MONGODB_URI is not set", file=sys.stderr)  # noqa: T201
        return EXIT_CONFIG
    created = asyncio.run(run_migrations(settings))
    print(json.dumps(created, indent=2))  # noqa: T201
    return 0


def cmd_openapi(args: argparse.Namespace) -> int:
    from normogen.cli_support import openapi_document

    text = json.dumps(openapi_document(), indent=2, ensure_ascii=False) + "\n"
    if args.output == "-":
        sys.stdout.write(text)
    else:
        Path(args.output).write_text(text, encoding="utf-8")
    return 0


def cmd_web(args: argparse.Namespace) -> int:
    from normogen.web.server import serve_web

    return serve_web(
        dist=Path(args.dist),
        api_url=args.api_url,
        host=args.host,
        port=args.port,
        public_url=args.public_url,
    )


def cmd_serve(args: argparse.Namespace) -> int:
    from normogen.cli_support import serve

    settings = _settings_or_exit()
    configure_logging(settings.LOG_LEVEL, settings.LOG_FORMAT)
    if settings.development and settings.JWT_SECRET is None and args.reload:
        # Reloads re-create the app: share one ephemeral secret so tokens survive them.
        settings = settings.model_copy(update={"JWT_SECRET": ephemeral_secret()})
        log.warning("JWT_SECRET is not set: using an EPHEMERAL development secret")
    return serve(settings, reload=args.reload, data_dir=Path(args.data_dir))


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="normogen", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="run the API server")
    serve.add_argument("--reload", action="store_true", help="restart on source changes (dev)")
    serve.add_argument(
        "--data-dir",
        default=os.environ.get("NORMOGEN_DATA_DIR", ".data"),
        help="where the embedded engine keeps its files when MONGODB_URI is unset",
    )
    serve.set_defaults(func=cmd_serve)
    commands.add_parser("check-config", help="validate the environment and print it masked")
    commands.choices["check-config"].set_defaults(func=cmd_check_config)
    health = commands.add_parser("healthcheck", help="exit 0 when /health answers ok")
    health.add_argument("--port", type=int, default=None, help="default: SERVER_PORT or 8000")
    health.add_argument("--timeout", type=float, default=3.0)
    health.set_defaults(func=cmd_healthcheck)
    commands.add_parser("migrate", help="create the database indexes (idempotent)")
    commands.choices["migrate"].set_defaults(func=cmd_migrate)
    openapi = commands.add_parser("openapi", help="print the OpenAPI document (no server needed)")
    openapi.add_argument("--output", default="-", help="file to write; '-' for stdout")
    openapi.set_defaults(func=cmd_openapi)
    web = commands.add_parser("web", help="serve the web app and proxy /api to the API server")
    web.add_argument("--dist", default=os.environ.get("WEB_DIST", "../web/dist"))
    web.add_argument("--api-url", default=os.environ.get("WEB_API_URL", "http://127.0.0.1:8000"))
    web.add_argument("--host", default=os.environ.get("WEB_HOST", "127.0.0.1"))
    web.add_argument("--port", type=int, default=int(os.environ.get("WEB_PORT", "6001")))
    web.add_argument(
        "--public-url",
        default=os.environ.get("PUBLIC_WEB_URL"),
        help="the address people open (share links point here); default http://HOST:PORT",
    )
    web.set_defaults(func=cmd_web)
    commands.add_parser("gen-secret", help="print a new random JWT_SECRET")
    commands.choices["gen-secret"].set_defaults(func=cmd_gen_secret)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    result: int = args.func(args)
    return result


if __name__ == "__main__":
    raise SystemExit(main())
