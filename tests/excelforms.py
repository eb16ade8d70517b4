"""The tests build Excel forms with the project's form generator (also used by the demo and bench)."""
from sopdoc.formgen import *  # noqa: F401,F403
from sopdoc.formgen import CRITERIA, Facts, Sop, default_sops, expected_sops  # noqa: F401
