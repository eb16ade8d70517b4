"""The web portal (`sopdoc serve`): the only package that imports Starlette, Jinja2 or uvicorn."""
from sopdoc.web.server import create_app

__all__ = ["create_app"]
