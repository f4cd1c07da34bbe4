"""Work done off the request path, on a task queue (Huey): recomputing a question's stored
results after its polls change, drawing chart variants on request, delivering webhooks.

- ``queue``: the queue, its tasks, coalescing, retries, the sweep, health and progress
  (light: the web process imports it to enqueue);
- ``webhooks``: signed webhook deliveries, their retries and log (light, as ``queue``);
- ``compute``: what a worker computes (imports the statistics and the renderer);
- ``charts``: drawing a question's charts from its stored series;
- ``commands``: ``flask worker`` and ``flask recompute-averages`` (Flask CLI plugins:
  the web process never loads them).
"""

from flask import Flask

from . import queue, webhooks
from .queue import jobs, request_recomputes


def init_app(app: Flask) -> None:
    queue.init_app(app)
    webhooks.init_app(app)


__all__ = ["init_app", "jobs", "request_recomputes"]
