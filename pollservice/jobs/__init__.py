"""Work done off the request path, on a task queue (Huey): recomputing a question's stored
results after its polls change, and drawing chart variants on request.

- ``queue``: the queue, its tasks, coalescing, retries, the sweep, health and progress
  (light: the web process imports it to enqueue);
- ``compute``: what a worker computes (imports the statistics and the renderer);
- ``charts``: drawing a question's charts from its stored series;
- ``commands``: ``flask worker`` and ``flask recompute-averages`` (Flask CLI plugins:
  the web process never loads them).
"""

from .queue import init_app, jobs, request_recomputes

__all__ = ["init_app", "jobs", "request_recomputes"]
