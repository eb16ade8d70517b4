"""The web portal (`sopdoc serve`): the only package that imports Starlette, Jinja2 or uvicorn."""
