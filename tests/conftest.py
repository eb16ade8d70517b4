import json
from importlib import resources
from pathlib import Path

import pytest
from click.testing import CliRunner

from sopdoc.cli.main import cli
from sopdoc.workspace import init_workspace

# Copies of ../shared/forms/samples (one clean form per region with its expected facts), so the
# tests run from any clone; `../shared/tools/check-samples` checks the originals.
SAMPLES = Path(__file__).resolve().parent / "samples"


@pytest.fixture
def banten_ws(tmp_path):
    return init_workspace(tmp_path / "ruang kerja banten", "banten")


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
