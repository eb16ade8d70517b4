import json
import re
from importlib import resources
from pathlib import Path

import pytest
from click.testing import CliRunner

from sopdoc.cli.main import cli
from sopdoc.workspace import init_workspace, open_workspace

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
    return open_workspace(ws.root)  # a workspace reads periods.toml once


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


# --- the differential test: both readers, every file a test reads -------------------------------

_OLE_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")


def _reading_or_refusal(read, path, kwargs):
    from sopdoc.errors import Refusal

    try:
        reading = read(path, **kwargs)
    except Refusal as refusal:
        return refusal, ("refused", refusal.code, refusal.reason)
    return reading, ("read", reading.parser.name, reading.form, reading.agency, reading.agency_warnings)


@pytest.fixture(autouse=True)
def both_readers_agree(request, monkeypatch):
    """Every file a test reads with the direct reader (the default) is read with openpyxl /
    python-docx too, and both must give the same parsed form, or the same refusal. Legacy files
    are converted once only (LibreOffice is slow); `@pytest.mark.one_reader` opts a test out."""
    if request.node.get_closest_marker("one_reader"):
        return
    from sopdoc.reading import parsing

    read = parsing.read_file

    def refereed(path, **kwargs):
        if kwargs.get("reader", "direct") != "direct" or _is_legacy(path):
            return read(path, **kwargs)
        direct, direct_facts = _reading_or_refusal(read, path, kwargs)
        _, office_facts = _reading_or_refusal(read, path, {**kwargs, "reader": "office"})
        assert direct_facts == office_facts, f"the direct reader and the office libraries differ on {path}"
        if isinstance(direct, Exception):
            raise direct
        return direct

    monkeypatch.setattr(parsing, "read_file", refereed)


def _is_legacy(path) -> bool:
    try:
        with open(path, "rb") as f:
            return f.read(8) == _OLE_MAGIC
    except OSError:
        return False
