"""The plugin contract of sopdoc. Every hook is documented in docs/plugin_hooks.md.

A region parser is a pluggy plugin (a module or an object) that implements the first three hooks.
It answers two questions -- is this file my form, and what does it say -- and touches nothing
else: no moving files, no store, no dates of arrival. The fourth hook, writing a blank form, is
optional. Hooks are always called with keyword
arguments, so a hook may gain arguments later without breaking plugins that take fewer.
"""
from pluggy import HookimplMarker, HookspecMarker

hookspec = HookspecMarker("sopdoc")
hookimpl = HookimplMarker("sopdoc")


@hookspec
def sopdoc_parser_info():
    """Describe the parser this plugin provides.

    Return a `sopdoc.ParserInfo(name, version, region, kinds)`: `name` is unique among parsers,
    `region` is a key of periods.toml (``"banten"``), `kinds` the document kinds read
    (``("xlsx",)`` or ``("docx",)``).
    """


@hookspec
def sopdoc_recognize(document):
    """Say whether `document` (a `sopdoc.SourceDocument`) is this plugin's form.

    Return a `sopdoc.Recognition(parser, score, reason)`: `score` from 0 (not mine) to 1 (surely
    mine), and, when the score is low, an Indonesian `reason` saying what was missing. Return
    None for document kinds the parser does not read. The host picks the highest score.
    """


@hookspec(firstresult=True)
def sopdoc_parse(document, parser):
    """Parse `document` into a `sopdoc.ParsedForm` if `parser` is this plugin's name, else None.

    Values that cannot be read with confidence are None plus a `sopdoc.Warning` saying where.
    A form with no SOP rows is returned with an empty `sops` list (the host refuses it). Raise
    `sopdoc.Refusal` to refuse the file with a reason; any other exception becomes a refusal
    with code `pengurai_gagal`.
    """


@hookspec(firstresult=True)
def sopdoc_blank_form(parser, blank):
    """Write a blank form for `blank` (a `sopdoc.BlankForm`) if `parser` is this plugin's name, else None.

    Return the bytes of the file, of the first kind in the parser's `ParserInfo.kinds` (an .xlsx
    or .docx the parser itself recognises), with the agency, period and known SOPs pre-filled.
    The host embeds the form's identity in the file and names it; a plugin without this hook
    offers no blanks.
    """
