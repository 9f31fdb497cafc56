"""The yardstick of the load benchmark: a bare Flask `return "ok"` route, served by gunicorn
exactly like FairPlanner (`gunicorn bench.bare:app`)."""

from flask import Flask

app = Flask("bare")


@app.get("/")
def ok() -> str:
    return "ok"
