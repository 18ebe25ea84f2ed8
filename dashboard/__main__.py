"""``python -m dashboard [--host HOST] [--port PORT] [--debug]``: serve the explorer (default 127.0.0.1:8050).

``python -m dashboard users ...`` manages the sign-in accounts (see ``dashboard/users_cli.py``).
``python -m dashboard export ...`` writes any export the app offers: the briefing as PNG/SVG/PPTX/PDF, the portfolio
as CSV/XLSX/GeoJSON/GeoPackage/HXL (see ``dashboard/exports/cli.py``).
"""

from __future__ import annotations

import argparse
import os
import sys

from dashboard import config
from geodata.facts.validate import LayerError

LOOPBACK = {"127.0.0.1", "localhost", "::1"}


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["users"]:
        from dashboard import users_cli

        return users_cli.main(argv[1:])
    if argv[:1] == ["export"]:
        from dashboard.exports import cli

        return cli.main(argv[1:])
    parser = argparse.ArgumentParser(prog="python -m dashboard", description=__doc__.splitlines()[0])
    parser.add_argument("--host", default=config.HOST)
    parser.add_argument("--port", type=int, default=config.PORT)
    parser.add_argument("--debug", action="store_true", help="Dash dev tools and reloading")
    args = parser.parse_args(argv)
    if args.host in LOOPBACK:
        # the development server speaks plain HTTP: a Secure cookie would not come back from 127.0.0.1
        os.environ.setdefault("TFA_COOKIE_SECURE", "0")
    from dashboard import heap
    from dashboard.app import create_app

    heap.limit_arenas()  # before the server's threads: one C heap, which the idle trims can empty
    try:
        app = create_app()
    except LayerError as exc:
        print("The data did not pass validation; the dashboard was not started:", file=sys.stderr)
        for problem in exc.problems:
            print(f"  {problem}", file=sys.stderr)
        return 1
    from dashboard.warmup import warm_in_background

    warm_in_background(app)  # the coverage page's default view, drawn before the first visit
    app.run(host=args.host, port=args.port, debug=args.debug)
    return 0


if __name__ == "__main__":
    sys.exit(main())
