"""What the app loads to start: a restart on unchanged layers loads no validator, no slide or HXL library."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
#: Libraries loaded when first used, not at start: pandera (and hypothesis, which its checks import) when a file
#: is checked, python-pptx with the first deck, libhxl with the first HXL file.
LAZY = ("pandera", "hypothesis", "pptx", "hxl")
START = (
    "import json, sys\n"
    "from dashboard.app import create_app\n"
    "create_app()\n"
    f"print(json.dumps([m for m in {LAZY!r} if m in sys.modules]))\n"
)


def loaded(data_dir: Path) -> list[str]:
    env = {**os.environ, "TFA_DATA_DIR": str(data_dir), "TFA_JOBS_DIR": str(data_dir / "jobs")}
    out = subprocess.run([sys.executable, "-c", START], env=env, cwd=ROOT, capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_a_restart_on_unchanged_layers_loads_no_checker_nor_export_library(tmp_path):
    assert "pandera" in loaded(tmp_path)  # the first start checks every layer
    assert loaded(tmp_path) == []  # the restart trusts the record of that check
