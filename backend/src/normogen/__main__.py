"""`normogen`: serve | web | check-config | healthcheck | migrate | backup | restore | openapi."""

from __future__ import annotations

import argparse
import http.client
import json
import logging
import os
import secrets
import sys
from collections.abc import Sequence
from pathlib import Path

from normogen.config import (
    ConfigError,
    Settings,
    env_file_path,
    ephemeral_secret,
    load_cli_settings,
)
from normogen.logging import configure_logging

log = logging.getLogger("normogen")
EXIT_FAILED = 1
EXIT_CONFIG = 2


def say(message: str) -> None:
    """One line for the operator on stderr (stdout stays machine-readable)."""
    print(f"normogen: {message}", file=sys.stderr)  # noqa: T201  # the CLI's own output


def _settings_or_exit(*, needs_secret: bool = True) -> Settings:
    path = env_file_path()
    try:
        settings = load_cli_settings(path, needs_secret=needs_secret)
    except ConfigError as exc:
        say("invalid configuration:")
        for problem in exc.problems:
            print(f"  - {problem}", file=sys.stderr)  # noqa: T201  # the CLI's own output
        raise SystemExit(EXIT_CONFIG) from None
    if path is not None:
        say(f"read settings from {path} (environment variables take precedence)")
    return settings


def _configure_logging(settings: Settings) -> None:
    level, targets = settings.log_levels()
    configure_logging(level, settings.LOG_FORMAT, targets)


def cmd_check_config(_: argparse.Namespace) -> int:
    settings = _settings_or_exit()
    print(json.dumps(settings.masked(), indent=2, default=str))  # noqa: T201  # the command's report
    return 0


def cmd_gen_secret(_: argparse.Namespace) -> int:
    # 48 random bytes, URL-safe base64: 64 characters, well over the 32-byte minimum.
    print(secrets.token_urlsafe(48))  # noqa: T201  # the command's output
    return 0


def cmd_healthcheck(args: argparse.Namespace) -> int:
    if args.port:
        port = args.port
    elif args.web:
        port = int(os.environ.get("WEB_PORT", "6001"))
    else:
        port = int(os.environ.get("SERVER_PORT", "8000"))
    where = f"http://127.0.0.1:{port}/health"
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=args.timeout)
    try:
        connection.request("GET", "/health")
        response = connection.getresponse()
        body = response.read()
    except TimeoutError:
        say(f"healthcheck: {where} did not answer within {args.timeout:g} s")
        return EXIT_FAILED
    except OSError as exc:
        say(f"healthcheck: cannot reach {where}: {exc.strerror or exc}")
        return EXIT_FAILED
    except http.client.HTTPException as exc:
        say(f"healthcheck: {where} sent no valid HTTP response ({type(exc).__name__})")
        return EXIT_FAILED
    finally:
        connection.close()
    try:
        status = json.loads(body).get("status")
    except (ValueError, AttributeError):
        status = None
    if response.status != 200 or status != "ok":
        say(f"healthcheck: {where} answered {response.status} {body[:80]!r}, not 200 status ok")
        return EXIT_FAILED
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


def cmd_migrate(args: argparse.Namespace) -> int:
    from normogen.cli_support import database_command, run_migrations

    settings = _settings_or_exit(needs_secret=False)
    _configure_logging(settings)
    return database_command(
        "migrate", settings, data_dir=Path(args.data_dir), action=run_migrations
    )


def cmd_backup(args: argparse.Namespace) -> int:
    from normogen.cli_support import database_command, run_backup

    settings = _settings_or_exit(needs_secret=False)
    _configure_logging(settings)
    output = Path(args.output) if args.output else None
    return database_command(
        "backup", settings, data_dir=Path(args.data_dir), action=lambda s: run_backup(s, output)
    )


def cmd_restore(args: argparse.Namespace) -> int:
    from normogen.cli_support import database_command, run_restore, verify_only

    if args.verify_only:
        return verify_only(Path(args.archive))
    settings = _settings_or_exit(needs_secret=False)
    _configure_logging(settings)
    archive = Path(args.archive)
    return database_command(
        "restore",
        settings,
        data_dir=Path(args.data_dir),
        action=lambda s: run_restore(s, archive, drop=args.drop),
    )


def cmd_serve(args: argparse.Namespace) -> int:
    from normogen.cli_support import serve

    settings = _settings_or_exit()
    _configure_logging(settings)
    if settings.development and settings.JWT_SECRET is None and args.reload:
        # Reloads re-create the app: share one ephemeral secret so tokens survive them.
        settings = settings.model_copy(update={"JWT_SECRET": ephemeral_secret()})
        log.warning("JWT_SECRET is not set: using an EPHEMERAL development secret")
    return serve(settings, reload=args.reload, data_dir=Path(args.data_dir))


def _data_dir_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--data-dir",
        default=os.environ.get("NORMOGEN_DATA_DIR", ".data"),
        help="the embedded engine's directory when MONGODB_URI is unset (NORMOGEN_DATA_DIR)",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="normogen", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="run the API server")
    serve.add_argument("--reload", action="store_true", help="restart on source changes (dev)")
    _data_dir_option(serve)
    serve.set_defaults(func=cmd_serve)
    check = commands.add_parser("check-config", help="validate the settings and print them masked")
    check.set_defaults(func=cmd_check_config)
    health = commands.add_parser("healthcheck", help="exit 0 when /health answers ok")
    health.add_argument("--port", type=int, default=None, help="default: SERVER_PORT or 8000")
    health.add_argument(
        "--web", action="store_true", help="check `normogen web` instead (WEB_PORT or 6001)"
    )
    health.add_argument("--timeout", type=float, default=3.0)
    health.set_defaults(func=cmd_healthcheck)
    migrate = commands.add_parser("migrate", help="create indexes, apply schema migrations")
    _data_dir_option(migrate)
    migrate.set_defaults(func=cmd_migrate)
    backup = commands.add_parser("backup", help="write a verifiable archive of the database")
    backup.add_argument(
        "--output", "-o", default=None, help="default: normogen-<database>-<UTC time>.tar.gz"
    )
    _data_dir_option(backup)
    backup.set_defaults(func=cmd_backup)
    restore = commands.add_parser("restore", help="load an archive into an empty database")
    restore.add_argument("archive", help="a file written by `normogen backup`")
    restore.add_argument(
        "--verify-only", action="store_true", help="check the archive; touch no database"
    )
    restore.add_argument(
        "--drop",
        action="store_true",
        help="drop the database's collections first (replaces its data; stop the API before)",
    )
    _data_dir_option(restore)
    restore.set_defaults(func=cmd_restore)
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
    gen = commands.add_parser("gen-secret", help="print a new random JWT_SECRET")
    gen.set_defaults(func=cmd_gen_secret)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    result: int = args.func(args)
    return result


if __name__ == "__main__":
    raise SystemExit(main())
