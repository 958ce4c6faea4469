"""Rendering JavaScript-only pages through Splash or headless Chromium, as one layer.

- :mod:`.policy`: the layer the spider calls (:class:`RenderPolicy`): which page goes through the
  renderer, and what an unrenderable or still-empty page is recorded as;
- :mod:`.backends`: building a render request for each backend, the mixed download handler;
- :mod:`.addon`: the settings a backend needs (middlewares, handler, the ``render`` slot).

What is adapted in scrapy-splash itself lives in :mod:`blogtitles.compat.splash`.
"""

from blogtitles.rendering.backends import (
    RENDERED,
    RENDERERS,
    RenderConfigError,
    check_mode,
    render_request,
    rendered_by,
    renderer_of,
)
from blogtitles.rendering.policy import MODE, RenderPolicy

__all__ = [
    "MODE",
    "RENDERED",
    "RENDERERS",
    "RenderConfigError",
    "RenderPolicy",
    "check_mode",
    "render_request",
    "rendered_by",
    "renderer_of",
]
