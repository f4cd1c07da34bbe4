"""WSGI entry point: ``gunicorn -w 4 wsgi:app`` (plain ``flask`` finds it too)."""

from pollservice import create_app

app = create_app()
