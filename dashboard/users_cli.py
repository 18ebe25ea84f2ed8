"""``python -m dashboard users``: manage the accounts that may sign in.

    python -m dashboard users add NAME --role viewer|editor|admin --password-stdin
    python -m dashboard users list [--json]
    python -m dashboard users set-role NAME ROLE
    python -m dashboard users set-password NAME --password-stdin
    python -m dashboard users remove NAME

Passwords are read from standard input only (never from the command line, where other users of the machine could
see them in the process list). Exit 0 on success, 2 when the change was refused (nothing changed).
"""

from __future__ import annotations

import argparse
import json
import sys

from dashboard import accounts


def _password(stdin) -> str:
    # one line: the first line of the input, without its line end
    return stdin.readline().rstrip("\r\n")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m dashboard users", description="Manage sign-in accounts.")
    sub = parser.add_subparsers(dest="command", required=True)
    add = sub.add_parser("add", help="create an account")
    add.add_argument("name")
    add.add_argument("--role", required=True, choices=accounts.ROLES)
    add.add_argument("--password-stdin", action="store_true", required=True, help="read the password from stdin")
    lst = sub.add_parser("list", help="list the accounts (never their passwords)")
    lst.add_argument("--json", action="store_true")
    role = sub.add_parser("set-role", help="change an account's role")
    role.add_argument("name")
    role.add_argument("role", choices=accounts.ROLES)
    pw = sub.add_parser("set-password", help="change an account's password (ends its sessions)")
    pw.add_argument("name")
    pw.add_argument("--password-stdin", action="store_true", required=True)
    rm = sub.add_parser("remove", help="delete an account (ends its sessions)")
    rm.add_argument("name")
    return parser


def main(argv: list[str] | None = None, stdin=None, stdout=None) -> int:
    stdin = stdin or sys.stdin
    stdout = stdout or sys.stdout
    args = build_parser().parse_args(argv)
    try:
        if args.command == "add":
            account = accounts.add(args.name, args.role, _password(stdin))
            print(f"added {account.name} ({account.role})", file=stdout)
        elif args.command == "list":
            rows = [a.public() for a in sorted(accounts.load().values(), key=lambda a: a.name)]
            if args.json:
                print(json.dumps(rows, indent=1), file=stdout)
            elif not rows:
                print("no accounts: the app serves viewers only", file=stdout)
            else:
                for row in rows:
                    print(f"{row['name']}\t{row['role']}\tsince {row['created_at']}", file=stdout)
        elif args.command == "set-role":
            account = accounts.set_role(args.name, args.role)
            print(f"{account.name} is now {account.role}", file=stdout)
        elif args.command == "set-password":
            accounts.set_password(args.name, _password(stdin))
            print(f"password of {args.name} changed; its sessions have ended", file=stdout)
        elif args.command == "remove":
            accounts.remove(args.name)
            print(f"removed {args.name}", file=stdout)
    except accounts.AccountError as exc:
        print(f"refused: {exc}", file=sys.stderr)
        return 2
    return 0
