"""The `nbcloud` command: serve the hub and manage accounts."""

from __future__ import annotations

import argparse
import getpass
import sys
from pathlib import Path

from sqlalchemy import select

from nbcloud.config import Settings, load_settings


def _settings(args: argparse.Namespace) -> Settings:
    return load_settings(
        data_dir=Path(args.data_dir) if getattr(args, "data_dir", None) else None,
        database_url=getattr(args, "database_url", None),
        host=getattr(args, "host", None),
        port=getattr(args, "port", None),
    )


def cmd_serve(args: argparse.Namespace) -> int:
    import uvicorn

    from nbcloud.hub.app import create_app
    from nbcloud.hub.auth.accounts import count_users
    from nbcloud.hub.logging_redaction import uvicorn_log_config

    settings = _settings(args)
    app = create_app(settings)
    hub = app.state.hub
    with hub.db.session() as db:
        first_run = count_users(db) == 0
    url = f"http://{settings.host}:{settings.port}"
    print(f"nbcloud is serving at {url}  (data folder: {settings.data_dir.resolve()})", flush=True)
    if first_run:
        print(f"First visit: open {url} and create the first account; it becomes the administrator.", flush=True)
    else:
        print(f"Sign in at {url}. Add people with `nbcloud user add NAME` or on the Admin page.", flush=True)
    uvicorn.run(
        app, host=settings.host, port=settings.port, log_level=args.log_level, ws="websockets-sansio",
        ws_per_message_deflate=False,
        # Every handler, the access log's included, redacts secrets (port-link tokens, cookies...).
        log_config=uvicorn_log_config(),
        # X-Forwarded-For is believed only from the configured proxies; uvicorn's default would
        # believe any process on 127.0.0.1 (auth.client_address does the same for login throttling).
        proxy_headers=bool(settings.trusted_proxies),
        forwarded_allow_ips=list(settings.trusted_proxies) or None,
    )
    return 0


def _open_hub(args: argparse.Namespace):
    from nbcloud.hub.app import build_hub

    return build_hub(_settings(args))


def cmd_user_add(args: argparse.Namespace) -> int:
    from nbcloud.hub.auth import accounts
    from nbcloud.hub.errors import DomainError

    hub = _open_hub(args)
    password = args.password
    if password is None:
        if not sys.stdin.isatty():
            password = sys.stdin.readline().rstrip("\n")
        else:
            password = getpass.getpass(f"Password for {args.username}: ")
    try:
        with hub.db.session() as db:
            user = accounts.create_user(
                db, args.username, password, is_admin=args.admin, display_name=args.name or "",
                quota_bytes=args.quota if args.quota is not None else hub.settings.default_quota_bytes,
            )
    except DomainError as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        return 1
    hub.drive.ensure_user_root(user.id)
    print(f"Added {'administrator' if user.is_admin else 'user'} {user.username} (id {user.id}).")
    return 0


def cmd_user_list(args: argparse.Namespace) -> int:
    from nbcloud.hub.db.models import User

    hub = _open_hub(args)
    with hub.db.session() as db:
        users = list(db.scalars(select(User).order_by(User.username)))
    print(f"{'id':>4}  {'username':<24} {'admin':<6} {'disabled':<9} quota")
    for u in users:
        print(f"{u.id:>4}  {u.username:<24} {'yes' if u.is_admin else '':<6} {'yes' if u.is_disabled else '':<9} "
              f"{u.quota_bytes / 1024**3:.1f} GiB")
    return 0


def _set_disabled(args: argparse.Namespace, disabled: bool) -> int:
    from nbcloud.hub.auth.accounts import end_all_sessions
    from nbcloud.hub.db.models import User

    hub = _open_hub(args)
    with hub.db.session() as db:
        user = db.scalar(select(User).where(User.username == args.username.lower()))
        if user is None:
            print(f"error: no user named {args.username}", file=sys.stderr)
            return 1
        user.is_disabled = disabled
        if disabled:
            end_all_sessions(db, user.id)
    if disabled:
        # The running hub notices within seconds (auth.socket_registry) and closes their notebooks.
        print(f"Disabled {args.username}: their sessions ended; open notebooks close within seconds.")
    else:
        print(f"Enabled {args.username}.")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="nbcloud", description="A self-hosted, Colab-compatible notebook platform.")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--data-dir", help="data folder (default: $NBCLOUD_DATA_DIR or ./data)")
    common.add_argument("--database-url", help="database URL (default: SQLite in the data folder)")
    sub = parser.add_subparsers(dest="command", required=True)

    serve = sub.add_parser("serve", parents=[common], help="serve the hub and web app")
    serve.add_argument("--host")
    serve.add_argument("--port", type=int)
    serve.add_argument("--log-level", default="info")
    serve.set_defaults(func=cmd_serve)

    user = sub.add_parser("user", help="manage accounts").add_subparsers(dest="user_command", required=True)
    add = user.add_parser("add", parents=[common], help="add an account")
    add.add_argument("username")
    add.add_argument("--password", help="the password (default: asked, or read from standard input)")
    add.add_argument("--admin", action="store_true", help="make this account an administrator")
    add.add_argument("--name", help="display name")
    add.add_argument("--quota", type=int, help="storage quota in bytes")
    add.set_defaults(func=cmd_user_add)
    lst = user.add_parser("list", parents=[common], help="list accounts")
    lst.set_defaults(func=cmd_user_list)
    dis = user.add_parser("disable", parents=[common], help="disable an account and end its sessions")
    dis.add_argument("username")
    dis.set_defaults(func=lambda a: _set_disabled(a, True))
    ena = user.add_parser("enable", parents=[common], help="enable an account")
    ena.add_argument("username")
    ena.set_defaults(func=lambda a: _set_disabled(a, False))
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    raise SystemExit(main())
