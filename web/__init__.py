"""The web UI and JSON API: a Flask app factory and one blueprint per area.

`create_app(config)` gives the app the archive of the configured data dir
(`service.archive.Archive`: the search index shared by the app's threads, a
store connection per thread); the views only read parameters, ask the archive,
and render a template or the same data as JSON (each shape built by the
library, as the CLI prints it).
"""

from __future__ import annotations

from flask import Flask
from markupsafe import Markup

from archive.departments import gazetteer
from service.config import Config

from . import (
    departments,
    errors,
    feeds,
    figures,
    imports,
    issues,
    links,
    reports,
    search,
    security,
    twins,
)
from .context import absolute, init_app
from .filters import register_filters


def create_app(config: Config | None = None) -> Flask:
    app = Flask(__name__)
    app.config["BULLETINS"] = config or Config.load()
    app.json.ensure_ascii = False
    app.json.sort_keys = False
    init_app(app)
    register_filters(app)
    app.jinja_env.globals["search_href"] = links.search_href
    app.jinja_env.globals["href"] = links.href
    app.jinja_env.globals["url_for"] = links.keeping_url_for(app)
    # Every name of every department, for the search boxes' completion: the same list on
    # every page, so made once (rendered per page it was a tenth of a search page's time).
    app.jinja_env.globals["department_datalist"] = Markup(
        app.jinja_env.get_template("_department_names.html").render(
            department_completions=gazetteer().completions()
        )
    )
    app.jinja_env.globals["absolute"] = absolute
    security.init_app(app)
    twins.init_app(app)
    errors.init_app(app)
    app.register_blueprint(search.bp)
    app.register_blueprint(issues.bp)
    app.register_blueprint(departments.bp)
    app.register_blueprint(imports.bp)
    app.register_blueprint(reports.bp)
    app.register_blueprint(feeds.bp)
    app.register_blueprint(figures.bp)
    return app
