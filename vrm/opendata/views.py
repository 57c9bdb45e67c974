"""/open-data (the list), /open-data/datapackage.json and each dataset's files."""

from __future__ import annotations

from flask import Blueprint, jsonify, render_template, url_for
from werkzeug.wrappers import Response

from vrm.caching.pages import public_page
from vrm.caching.versions import current_version
from vrm.db import get_session
from vrm.errors import NotFound
from vrm.opendata import package
from vrm.opendata.datasets import DATASETS
from vrm.opendata.formats import LICENCE_URL

bp = Blueprint("opendata", __name__)


def _file_url(name: str, fmt: str) -> str:
    return url_for("opendata.dataset_file", name=name, fmt=fmt, _external=True)


def _open(response: Response) -> Response:
    response.headers["Access-Control-Allow-Origin"] = "*"  # open data: any site may read it
    response.headers["Link"] = f'<{LICENCE_URL}>; rel="license"'
    return response


@bp.get("/open-data")
@public_page
def index() -> str:
    session = get_session()
    files = {
        name: {fmt: package.build(session, name, fmt) for fmt in package.FORMATS}
        for name in DATASETS
    }
    _, changed_at = current_version(session)
    return render_template(
        "opendata/index.html", datasets=DATASETS, files=files, changed_at=changed_at
    )


@bp.get("/open-data/datapackage.json")
@public_page
def datapackage() -> Response:
    return _open(jsonify(package.descriptor(get_session(), _file_url)))


@bp.get("/open-data/<name>.<fmt>")
@public_page
def dataset_file(name: str, fmt: str) -> Response:
    if name not in DATASETS or fmt not in package.FORMATS:
        raise NotFound("There is no such open data file.", hint="The list is at /open-data.")
    built = package.build(get_session(), name, fmt)
    response = Response(built.body, mimetype=package.FORMATS[fmt])
    if fmt == "csv":
        response.headers["Content-Disposition"] = f"attachment; filename=parley-{name}.csv"
    return _open(response)
