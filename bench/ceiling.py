"""The ceiling: a bare Flask route returning a short string, served with the same gunicorn settings."""

from flask import Flask

app = Flask(__name__)


@app.get("/")
def ceiling():
    return "ok"
