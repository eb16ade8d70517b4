"""The plugin manager: built-in region parsers plus outside plugins from the `sopdoc` entry points."""
from __future__ import annotations

import importlib
import logging

import pluggy

from sopdoc import hookspecs
from sopdoc.formkit.document import ParserInfo

log = logging.getLogger(__name__)

# Built-in parsers are registered like any outside plugin.
DEFAULT_PLUGINS = (
    "sopdoc_regions.banten",
    "sopdoc_regions.bontang",
    "sopdoc_regions.tanjungbalai",
    "sopdoc_regions.sidoarjo",
    "sopdoc_regions.bengkulu",
)

_manager = None


def make_manager(load_entrypoints: bool = True) -> pluggy.PluginManager:
    pm = pluggy.PluginManager("sopdoc")
    pm.add_hookspecs(hookspecs)
    for name in DEFAULT_PLUGINS:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as e:
            if e.name != name:  # the plugin exists but something it imports does not
                raise
            continue
        pm.register(module, name=name)
    if load_entrypoints:
        pm.load_setuptools_entrypoints("sopdoc")
    return pm


def get_manager() -> pluggy.PluginManager:
    global _manager
    if _manager is None:
        _manager = make_manager()
    return _manager


def parser_infos(pm=None) -> list:
    """Every parser that is loaded, with the distribution it came from (None for built-ins)."""
    pm = pm or get_manager()
    dists = {id(plugin): dist for plugin, dist in pm.list_plugin_distinfo()}
    infos = []
    for plugin in pm.get_plugins():
        impl = getattr(plugin, "sopdoc_parser_info", None)
        if impl is None:
            continue
        try:
            info = impl()
        except Exception as e:  # one broken plugin must not stop every other parser
            log.warning("Plugin %s tidak dimuat: sopdoc_parser_info gagal (%r)", pm.get_name(plugin), e)
            continue
        if not isinstance(info, ParserInfo):
            log.warning("Plugin %s tidak dimuat: sopdoc_parser_info tidak mengembalikan ParserInfo",
                        pm.get_name(plugin))
            continue
        dist = dists.get(id(plugin))
        infos.append((info, pm.get_name(plugin), dist.project_name if dist else None))
    return sorted(infos, key=lambda t: (t[0].region, t[0].name))


def blank_parsers(pm=None) -> set:
    """Names of the parsers whose plugin writes blank forms (hook `sopdoc_blank_form`)."""
    pm = pm or get_manager()
    writers = {impl.plugin_name for impl in pm.hook.sopdoc_blank_form.get_hookimpls()}
    return {info.name for info, plugin_name, _ in parser_infos(pm) if plugin_name in writers}


def absent_fields(parser_name: str, pm=None) -> frozenset:
    """The SOP fields the form read by `parser_name` has no column for (empty for an unknown parser)."""
    pm = pm or get_manager()
    cache = _absent_by_manager.setdefault(id(pm), {})
    if parser_name not in cache:
        found = next((info.absent_fields for info, _, _ in parser_infos(pm) if info.name == parser_name), ())
        cache[parser_name] = frozenset(found)
    return cache[parser_name]


_absent_by_manager: dict = {}
