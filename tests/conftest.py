import json
import re
from importlib import resources
from pathlib import Path

import pytest
from click.testing import CliRunner

from sopdoc.cli.main import cli
from sopdoc.workspace import init_workspace

# Copies of ../shared/forms/samples (one clean form per region with its expected facts), so the
# tests run from any clone; `../shared/tools/check-samples` checks the originals.
SAMPLES = Path(__file__).resolve().parent / "samples"


def keep_periods_open(ws):
    """Give every region of `ws`'s periods.toml a late window of a century: tests that process
    forms "now", years after the bundled periods, then file them there (late) instead of leaving
    them waiting for a period of this year."""
    path = ws.root / "periods.toml"
    text = path.read_text(encoding="utf-8")
    path.write_text(re.sub(r"(?m)^(capital = .*)$", r"\1\nlate_window_days = 36500", text), encoding="utf-8")
    return ws


def open_workspace_for_now(root, region):
    """A new workspace whose bundled periods still take forms arriving today (see keep_periods_open)."""
    return keep_periods_open(init_workspace(root, region))


@pytest.fixture
def banten_ws(tmp_path):
    return open_workspace_for_now(tmp_path / "ruang kerja banten", "banten")


@pytest.fixture(autouse=True)
def outside_any_workspace(tmp_path, monkeypatch):
    """Tests run outside a workspace: the repository's top level is itself one."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("SOPDOC_WORKSPACE", raising=False)


@pytest.fixture
def run():
    """Invoke the CLI in-process: run("process", "-w", ws) -> click Result."""
    runner = CliRunner()

    def invoke(*args, **kwargs):
        return runner.invoke(cli, [str(a) for a in args], catch_exceptions=False, **kwargs)

    return invoke


@pytest.fixture(scope="session")
def schema_validator():
    import jsonschema

    schema = json.loads((resources.files("sopdoc") / "data" / "submission.schema.json").read_text())
    return jsonschema.Draft202012Validator(schema)
