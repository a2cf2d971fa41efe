"""The web UI and JSON API: a Flask app factory and one blueprint per area.

`create_app(config)` wires the archive store (one SQLite connection per
request) and the search index (one per app, shared by its threads) into the
views; the views only read parameters, call `archive`/`indexer`, and render a
template or the same data as JSON.
"""

from __future__ import annotations

from flask import Flask

from service.config import Config

from . import departments, errors, imports, issues, search, security
from .context import init_app
from .filters import register_filters


def create_app(config: Config | None = None) -> Flask:
    app = Flask(__name__)
    app.config["BULLETINS"] = config or Config.load()
    app.json.ensure_ascii = False
    app.json.sort_keys = False
    init_app(app)
    register_filters(app)
    app.jinja_env.globals["search_href"] = search.search_href
    security.init_app(app)
    errors.init_app(app)
    app.register_blueprint(search.bp)
    app.register_blueprint(issues.bp)
    app.register_blueprint(departments.bp)
    app.register_blueprint(imports.bp)
    return app
