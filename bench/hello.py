"""The yardstick: a bare Flask app, served by the same gunicorn settings as Parley.

`gunicorn bench.hello:app`. Every page's req/s is divided by this one's, measured in
the same run, so figures from a busy or a quiet machine compare.
"""

from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello() -> str:
    return "Hello, World!"
