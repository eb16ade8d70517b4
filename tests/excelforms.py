"""The tests build Excel forms with the project's form generator (also used by the demo and bench)."""
from sopdoc.demo.formgen import *  # noqa: F401,F403
from sopdoc.demo.formgen import CRITERIA, Facts, Sop, default_sops, expected_sops  # noqa: F401
