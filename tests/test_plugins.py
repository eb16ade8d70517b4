"""The plugin boundary: hook documentation, entry-point discovery, schema of every parser's output."""
import json
import re
import sys
import textwrap
from pathlib import Path

import pytest

from testdata import SAMPLES
from sopdoc import ParserInfo, hookimpl, hookspecs, plugins
from sopdoc.errors import Refusal

DOCS = Path(__file__).resolve().parents[1] / "docs" / "plugin_hooks.md"


def hook_names():
    return [name for name in dir(hookspecs) if name.startswith("sopdoc_")]


@pytest.mark.parametrize("hook", hook_names())
def test_every_hook_is_documented(hook):
    assert re.search(rf"^## {hook}\(", DOCS.read_text(), re.M), f"{hook} is not documented in {DOCS.name}"


@pytest.fixture
def installed_plugin(tmp_path, monkeypatch):
    """A real distribution `sopdoc-contoh` with a `sopdoc` entry point, on sys.path."""
    site = tmp_path / "site"
    package = site / "sopdoc_contoh"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text(textwrap.dedent('''
        from sopdoc import ParserInfo, hookimpl

        @hookimpl
        def sopdoc_parser_info():
            return ParserInfo("contoh", "0.3", "banten", ("xlsx",))

        @hookimpl
        def sopdoc_recognize(document):
            return None

        @hookimpl
        def sopdoc_parse(document, parser):
            return None
    '''))
    dist = site / "sopdoc_contoh-0.3.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: sopdoc-contoh\nVersion: 0.3\n")
    (dist / "entry_points.txt").write_text("[sopdoc]\ncontoh = sopdoc_contoh\n")
    monkeypatch.syspath_prepend(str(site))
    monkeypatch.setattr(plugins, "_manager", None)
    yield
    sys.modules.pop("sopdoc_contoh", None)


def test_entry_point_plugin_is_loaded_and_listed(installed_plugin, run):
    result = run("plugins")
    assert result.exit_code == 0
    line = next(line for line in result.output.splitlines() if line.startswith("contoh"))
    assert "0.3" in line and "sopdoc-contoh" in line


def test_builtin_parsers_do_not_install_a_bare_plugins_package():
    import sopdoc_regions

    assert Path(sopdoc_regions.__file__).parent.name == "plugins"  # editable: the folder itself
    assert "plugins" not in sys.modules or not hasattr(sys.modules["plugins"], "banten")


@pytest.mark.parametrize("sample", sorted(p.name for p in SAMPLES.glob("*-contoh.*") if not p.name.endswith(".json")))
def test_every_parser_output_validates_against_the_schema(sample, run, schema_validator):
    region = sample.split("-")[0]
    if region not in {info.region for info, _, _ in plugins.parser_infos()}:
        pytest.skip(f"no parser for {region} yet")
    result = run("check", SAMPLES / sample, "--region", region, "--json")
    assert result.exit_code == 0, result.output
    schema_validator.validate(json.loads(result.output))


def test_a_plugin_whose_info_fails_is_left_out_not_fatal():
    class Broken:
        @hookimpl
        def sopdoc_parser_info(self):
            raise RuntimeError("boom")

    pm = plugins.make_manager(load_entrypoints=False)
    pm.register(Broken(), name="broken")
    names = {info.name for info, _, _ in plugins.parser_infos(pm)}
    assert "banten" in names and "broken" not in names


class _Spy:
    """A parser of another region (Bontang) that counts how often it is asked to recognise."""

    def __init__(self):
        self.asked = 0

    @hookimpl
    def sopdoc_parser_info(self):
        return ParserInfo("mata", "0.1", "bontang", ("docx",))

    @hookimpl
    def sopdoc_recognize(self, document):
        self.asked += 1
        return None


def test_other_regions_parsers_are_asked_only_when_the_regions_own_are_not_sure():
    from sopdoc.reading import parsing

    spy = _Spy()
    pm = plugins.make_manager(load_entrypoints=False)
    pm.register(spy, name="mata")
    reading = parsing.read_file(SAMPLES / "bengkulu-contoh.docx", region_key="bengkulu", pm=pm)
    assert reading.parser.name == "bengkulu" and spy.asked == 0
    with pytest.raises(Refusal) as refused:
        parsing.read_file(SAMPLES / "bengkulu-contoh.docx", region_key="sidoarjo", pm=pm)
    assert refused.value.code == "daerah_lain" and spy.asked > 0  # (once per reader the tests compare)
