"""Scrapy contracts of the project (``scrapy check``)."""

from __future__ import annotations

import os
from typing import Any

from scrapy.contracts import Contract


class BlogUrlContract(Contract):
    """``@blog_url VARIABLE [DEFAULT]``: check the callback on the URL in the environment variable
    ``VARIABLE``, else on ``DEFAULT``; the URL is also the callback's ``blog_url``.

    Lets ``scrapy check`` run offline against the sample farm (the tests set the variable to a
    farm blog) and online against a real blog (the default).
    """

    name = "blog_url"

    def adjust_request_args(self, args: dict[str, Any]) -> dict[str, Any]:
        variable, *default = self.args
        url = os.environ.get(variable) or (default[0] if default else "")
        if not url:
            raise ValueError(f"@blog_url: set {variable} to the URL to check with")
        args["url"] = url
        args["cb_kwargs"] = {**(args.get("cb_kwargs") or {}), "blog_url": url}
        return args
