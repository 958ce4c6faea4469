"""The farm's Twisted web server: one listening socket, one virtual host per blog.

Latency is injected with ``reactor.callLater``, never by sleeping, so one process holds thousands
of slow requests at once. The farm also answers as an HTTP proxy for its own hosts (an absolute
URL in the request line): renderers (Splash, Chromium) resolve names themselves, and this is how
they reach farm names without any traffic leaving the machine. Special blogs fail the way their
kind says (``catalog.SPECIAL_KINDS``).

With ``realistic=True`` the normal blogs' index and article pages are real-sized
(:mod:`.realistic`) and every HTML and XML reply is compressed as the request's
``Accept-Encoding`` asks (:mod:`.compression`).
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import timedelta
from statistics import NormalDist
from typing import Any
from urllib.parse import urlsplit

from twisted.internet.interfaces import IDelayedCall, IReactorTime
from twisted.web.resource import Resource
from twisted.web.server import NOT_DONE_YET, Request, Site

from farm import compression, engines, realistic, scripted
from farm.catalog import POSTS_PER_PAGE, SCRIPTED_KINDS, Blog, Post
from farm.faults import FAULTS_PATH, PNG_BYTES, FaultPlan
from farm.fixtures import FixtureSite
from farm.revalidation import (
    LIMIT_PATH,
    MAX_AGE_PATH,
    MOVE_PATH,
    Revalidation,
    kept_on_304,
    not_modified,
    validators,
)

_PAGE_RE = re.compile(r"^page/(\d+)/$")
#: Content types the realistic farm compresses.
_COMPRESSIBLE_RE = re.compile(r"^(text/html|application/(?:[\w.+-]+\+)?xml|text/xml)\b")
_HUGE_BYTES = 10 * 1024 * 1024
_CHUNK = 64 * 1024
_PDF = (
    b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj <</Type /Catalog>> endobj\n" + b"0" * 2048 + b"\n%%EOF\n"
)


@dataclass
class Reply:
    """What to send: status, headers, body; or a special action (``hang``, ``reset``, ``huge``)."""

    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    action: str = ""


def html_reply(text: str, encoding: str = "utf-8") -> Reply:
    content_type = f"text/html; charset={encoding}"
    return Reply(body=text.encode(encoding), headers={"Content-Type": content_type})


def utf8_html_reply(body: bytes) -> Reply:
    return Reply(body=body, headers={"Content-Type": "text/html; charset=utf-8"})


def redirect(location: str, status: int = 301) -> Reply:
    return Reply(status=status, headers={"Location": location}, body=b"Moved")


#: ``POST``/``GET`` here (on a blog's host) publishes a new newest post on that blog.
PUBLISH_PATH = "/_farm/publish"
#: What the farm saw of its clients: the most requests in flight at once per host name, and the
#: TCP connections accepted (a polite crawler stays within its per-host limit and reuses them).
LOAD_PATH = "/_farm/load"
NOT_FOUND = Reply(status=404, body=b"<h1>Not found</h1>", headers={"Content-Type": "text/html"})


class BlogFarm(Resource):
    """Serves every blog by its Host header; ``latency`` seconds before each answer.

    ``realistic``: normal blogs' index and article pages real-sized, replies compressed.
    """

    isLeaf = True  # noqa: N815 - Twisted's name

    def __init__(
        self,
        blogs: Iterable[Blog],
        latency: float = 0.0,
        alias_target: Blog | None = None,
        reactor: IReactorTime | None = None,
        *,
        realistic: bool = False,
        web: WebLike | None = None,
    ) -> None:
        super().__init__()
        if reactor is None:
            from twisted.internet import reactor as default_reactor

            reactor = default_reactor  # type: ignore[assignment]
        self.blogs: dict[str, list[Blog]] = {}
        for blog in blogs:
            self.blogs.setdefault(blog.host, []).append(blog)
        for hosted in self.blogs.values():  # longest base path first: the most specific wins
            hosted.sort(key=lambda blog: len(blog.base_path), reverse=True)
        self.latency = latency
        self.alias_target = alias_target
        self.realistic = realistic
        self.web = web
        #: Replies made before the clients come (``prewarm``): (host, path, coding) -> body.
        self.prepared: dict[tuple[str, str, str], bytes] = {}
        self.reactor: Any = reactor
        self.fixture_sites: dict[str, FixtureSite] = {}
        self.faults: FaultPlan | None = None
        self.in_flight: dict[str, int] = {}
        self.max_in_flight: dict[str, int] = {}
        self.connections = 0
        self.revalidation = Revalidation()

    def load(self) -> dict[str, Any]:
        """The ``LOAD_PATH`` report."""
        return {
            "max_in_flight": self.max_in_flight,
            "connections": self.connections,
            "not_modified": self.revalidation.not_modified,
            "rate_limited": self.revalidation.rate_limited,
        }

    def _track(self, request: Request, host: str) -> None:
        """Count ``request`` in flight to ``host`` until it finishes or its client goes."""
        self.in_flight[host] = self.in_flight.get(host, 0) + 1
        self.max_in_flight[host] = max(self.max_in_flight.get(host, 0), self.in_flight[host])

        def done(_result: Any) -> None:
            self.in_flight[host] -= 1

        request.notifyFinish().addBoth(done)

    def _is_normal(self, host: str) -> bool:
        hosted = self.blogs.get(host)
        return bool(hosted) and hosted[0].kind == "normal"

    def _faulty(self, reply: Reply, host: str, path: str, origin: str) -> Reply:
        """The reply, or the fault the plan serves in its place."""
        assert self.faults is not None
        kind = self.faults.fault_for(host, path)
        if kind is None:
            return reply
        html = {"Content-Type": "text/html; charset=utf-8"}
        if kind in ("reset", "trickle", "huge"):
            return Reply(action=kind)
        if kind == "truncated":
            return Reply(body=reply.body, headers=reply.headers, action="truncated")
        if kind == "unavailable":
            return Reply(status=503, body=b"<h1>Busy</h1>", headers={**html, "Retry-After": "1"})
        if kind == "server_error":
            return Reply(status=500, body=b"<h1>Internal Server Error</h1>", headers=html)
        if kind == "wrong_type":
            return Reply(body=PNG_BYTES, headers={"Content-Type": "image/png"})
        if kind == "garbage":
            return Reply(body=self.faults.garbage(host, path), headers=html)
        if kind == "redirect_loop":
            return redirect(origin + path, 302)
        return Reply(body=self.faults.bomb(), headers={**html, "Content-Encoding": "gzip"})

    def publish(self, host: str, base_path: str | None = None) -> Post:
        """Publish a new newest post on the blog at ``host`` (and ``base_path`` if shared)."""
        hosted = self.blogs[host]
        blog = next((b for b in hosted if base_path in (None, b.base_path)), hosted[0])
        number = sum(1 for post in blog.posts if post.slug.startswith("fresh-post-")) + 1
        post = Post(
            slug=f"fresh-post-{number}-{host.split('.', maxsplit=1)[0]}",
            title=f"Fresh post n°{number} – “{blog.name}”",
            published=blog.newest.published + timedelta(days=number),
        )
        hosted[hosted.index(blog)] = replace(blog, posts=(post, *blog.posts))
        return post

    def serve_fixture_sites(self, sites: Iterable[FixtureSite]) -> None:
        """Also serve the real engines' fixture sites, each on its ``<slug>.fixtures.test``."""
        self.fixture_sites.update((site.host, site) for site in sites)

    def render(self, request: Request) -> Any:
        host = (request.getHeader("host") or "").split(":", 1)[0].lower()
        port = request.getHost().port
        path = request.path.decode("latin-1")
        if path.startswith("http://"):  # asked as a proxy (the renderers' way in, see below)
            path = urlsplit(path).path or "/"
        if path == PUBLISH_PATH:
            base = (request.args.get(b"path") or [b""])[0].decode("utf-8")
            post = self.publish(host, base or None)
            request.setHeader("Content-Type", "application/json")
            return json.dumps({"host": host, "slug": post.slug, "title": post.title}).encode()
        if path == FAULTS_PATH and self.faults is not None:
            request.setHeader("Content-Type", "application/json")
            return json.dumps(self.faults.report()).encode()
        if path in (LIMIT_PATH, MAX_AGE_PATH, MOVE_PATH):
            return self._control(request, host, path)
        if path == LOAD_PATH:
            request.setHeader("Content-Type", "application/json")
            report = json.dumps(self.load()).encode()
            if request.args.get(b"reset"):
                self.max_in_flight, self.connections = {}, 0
            return report
        self._track(request, host)
        if self.prepared:
            coding = compression.choose_coding(request.getHeader("accept-encoding"))
            body = self.prepared.get((host, path, coding))
            if body is not None:
                return self._prepared_reply(request, host, body, coding)
        origin = f"{'https' if request.isSecure() else 'http'}://{host}:{port}"
        if host in self.fixture_sites:
            reply = static_reply(self.fixture_sites[host], path, port)
        else:
            reply = self.reply(host, path, origin)
            if self.faults is not None and self._is_normal(host):
                reply = self._faulty(reply, host, path, origin)
            reply = self._revalidated(request, host, path, reply)
        if self.realistic:
            reply = negotiated(reply, request.getHeader("accept-encoding"))
        return self._deliver(request, host, reply)

    def _control(self, request: Request, host: str, path: str) -> bytes:
        """The revalidation switches (:mod:`farm.revalidation`), set by a client."""

        def arg(name: str, default: str = "0") -> str:
            return (request.args.get(name.encode()) or [default.encode()])[0].decode("utf-8")

        state = self.revalidation
        if path == LIMIT_PATH:
            state.limits[host] = (int(arg("count", "1")), int(arg("after", "1")))
        elif path == MAX_AGE_PATH:
            state.max_age = int(arg("seconds"))
        elif target := arg("to", ""):
            state.moves[host] = target
            new_host = (urlsplit(target).hostname or "").lower()
            if new_host and new_host not in self.blogs and host in self.blogs:
                self.blogs[new_host] = self.blogs[host]  # the blog, served at its new name
        else:
            state.moves.pop(host, None)
        request.setHeader("Content-Type", "application/json")
        return json.dumps({"host": host, "path": path}).encode()

    def _revalidated(self, request: Request, host: str, path: str, reply: Reply) -> Reply:
        """``reply`` as a server that knows revalidation sends it: a 429 when the host is
        rate-limited, a 301 when its blog moved, else with validators, or a 304 to a client
        whose copy is current."""
        state, hosted = self.revalidation, self.blogs.get(host)
        if not hosted or path == "/robots.txt":
            return reply
        if (after := state.limited(host)) is not None:
            headers = {"Content-Type": "text/html", "Retry-After": str(after)}
            return Reply(status=429, body=b"<h1>Too Many Requests</h1>", headers=headers)
        if host in state.moves and path in ("/", hosted[0].base_path):
            return redirect(state.moves[host], 301)
        if reply.status != 200 or reply.action or not reply.body:
            return reply
        page = validators(reply.body, hosted[0].newest.published, state.max_age)
        reply = replace(reply, headers={**reply.headers, **page})
        if not_modified(
            reply.headers,
            request.getHeader("if-none-match"),
            request.getHeader("if-modified-since"),
        ):
            state.not_modified += 1
            return Reply(status=304, headers=kept_on_304(reply.headers))
        return reply

    def _deliver(self, request: Request, host: str, reply: Reply) -> Any:
        """Send ``reply`` after the host's latency (or never, or a byte at a time, as its
        :class:`WebLike` fate says)."""
        latency = self.latency
        if self.web is not None and self._is_normal(host):
            latency = self.web.latency(host)
            fate = self.web.fate(host)
            if fate != "ok":
                reply = Reply(action=fate)
        if reply.action == "hang":
            return NOT_DONE_YET
        if latency > 0:
            call = self.reactor.callLater(latency, self._send, request, reply)
            request.notifyFinish().addErrback(_cancel, call)
            return NOT_DONE_YET
        self._send(request, reply)
        return NOT_DONE_YET

    def reply(self, host: str, path: str, origin: str) -> Reply:
        """The reply to ``GET path`` on ``host`` (pure: no I/O)."""
        hosted = self.blogs.get(host, [])
        blog = next(
            (b for b in hosted if path.startswith(b.base_path)), hosted[-1] if hosted else None
        )
        if blog is None:
            return NOT_FOUND
        if path == "/robots.txt":
            rules = "Disallow: /" if blog.kind == "robots-forbidden" else "Disallow: /wp-admin/"
            return Reply(
                body=f"User-agent: *\n{rules}\n".encode(), headers={"Content-Type": "text/plain"}
            )
        if blog.kind == "alias" and self.alias_target is not None:
            target = self.alias_target
            return redirect(origin.replace(host, target.host, 1) + target.base_path)
        if blog.kind == "moved" and path == "/":
            return redirect(origin + blog.base_path)
        if blog.kind == "landing" and path == "/":
            return html_reply(engines.landing_page(blog, origin))
        if path == blog.base_path:
            return self._index_reply(blog, origin)
        rest = path[len(blog.base_path) :] if path.startswith(blog.base_path) else None
        if blog.kind in SCRIPTED_KINDS and rest is not None:
            reply = self._scripted_reply(blog, rest, origin)
            if reply is not None:
                return reply
        if rest is not None and (match := _PAGE_RE.match(rest)):
            page = int(match.group(1))
            if self._realistic(blog):
                if 1 < page <= realistic.page_count(blog):
                    return utf8_html_reply(realistic.index_bytes(blog, origin, page))
                return NOT_FOUND
            if 1 < page <= -(-len(blog.posts) // POSTS_PER_PAGE):
                return html_reply(
                    engines.index_page(blog, origin, page), engines.page_encoding(blog)
                )
        if path == engines.feed_path(blog) and blog.kind == "feed-broken":
            return Reply(
                status=500,
                body=b"<h1>Internal Server Error</h1>",
                headers={"Content-Type": "text/html"},
            )
        if path == engines.feed_path(blog):
            content_type, xml = engines.feed_document(blog, origin)
            return Reply(body=xml.encode("utf-8"), headers={"Content-Type": content_type})
        if self._realistic(blog) and (post := realistic.post_at(blog, path)) is not None:
            return utf8_html_reply(realistic.article_bytes(blog, post, origin))
        if (post := _post_at(blog, path)) is not None:
            if blog.kind == "broken-article" and post is blog.newest:
                return Reply(
                    status=500,
                    body=b"<h1>Internal Server Error</h1>",
                    headers={"Content-Type": "text/html"},
                )
            page = engines.article_page(blog, post, origin)
            return html_reply(page, engines.page_encoding(blog))
        if blog.kind == "redirect-loop" and path in ("/a/", "/b/"):
            return redirect(origin + ("/b/" if path == "/a/" else "/a/"), 302)
        return NOT_FOUND

    def _index_reply(self, blog: Blog, origin: str) -> Reply:
        kind = blog.kind
        if kind == "missing-index":
            return NOT_FOUND
        if kind == "not-html":
            return Reply(body=_PDF, headers={"Content-Type": "application/pdf"})
        if kind == "redirect-loop":
            return redirect(origin + "/a/", 302)
        if kind in ("hang", "reset", "huge"):
            return Reply(action=kind)
        if kind in SCRIPTED_KINDS:
            return html_reply(scripted.index_shell(blog, origin))
        if self._realistic(blog):
            return utf8_html_reply(realistic.index_bytes(blog, origin))
        return html_reply(engines.index_page(blog, origin), engines.page_encoding(blog))

    def prewarm(self, scheme: str, port: int, codings: tuple[str, ...] = ("br", "gzip")) -> int:
        """Make every normal blog's index page and newest article, compressed in each of
        ``codings``, before any client asks (a benchmark's farm then spends next to no CPU while
        it is measured: real servers are other machines). Returns the bytes kept."""
        kept = 0
        for hosted in self.blogs.values():
            for blog in hosted:
                if not self._realistic(blog):
                    continue
                origin = f"{scheme}://{blog.host}:{port}"
                pages = {
                    blog.base_path: realistic.index_bytes(blog, origin),
                    engines.article_path(blog, blog.newest): realistic.article_bytes(
                        blog, blog.newest, origin
                    ),
                }
                for path, page in pages.items():
                    for coding in codings:
                        body = compression.encode(page, coding)
                        self.prepared[(blog.host, path, coding)] = body
                        kept += len(body)
        compression.clear_cache()
        return kept

    def _prepared_reply(self, request: Request, host: str, body: bytes, coding: str) -> Any:
        headers = {"Content-Type": "text/html; charset=utf-8", "Vary": "Accept-Encoding"}
        headers["Content-Encoding"] = coding
        return self._deliver(request, host, Reply(body=body, headers=headers))

    def _realistic(self, blog: Blog) -> bool:
        """Whether ``blog``'s pages come from :mod:`.realistic` (special kinds never do)."""
        return self.realistic and blog.kind == "normal"

    def _scripted_reply(self, blog: Blog, rest: str, origin: str) -> Reply | None:
        """What a script-built blog serves besides its index (``None``: as any blog)."""
        if rest == scripted.API_PATH and blog.kind == "js-api":
            body = scripted.posts_json(blog, origin)
            return Reply(body=body, headers={"Content-Type": "application/json"})
        if rest == scripted.NEVER_PATH and blog.kind == "js-hang":
            return Reply(action="hang")
        if blog.kind == "js-app" and (post := _post_at(blog, blog.base_path + rest)) is not None:
            return html_reply(scripted.article_shell(blog, post))
        return None

    def _send(self, request: Request, reply: Reply) -> None:
        if request.finished or request.channel is None:
            return
        if reply.action == "reset":
            request.channel.transport.abortConnection()
            return
        if reply.action == "trickle":
            request.setHeader("Content-Type", "text/html; charset=utf-8")
            request.setHeader("Content-Length", "100000")
            self._trickle(request, 40)
            return
        if reply.action == "truncated":
            request.setResponseCode(reply.status)
            for name, value in reply.headers.items():
                request.setHeader(name, value)
            request.setHeader("Content-Length", str(len(reply.body) + 1000))
            request.write(reply.body)
            request.channel.transport.loseConnection()
            return
        request.setResponseCode(reply.status)
        for name, value in reply.headers.items():
            request.setHeader(name, value)
        if reply.action == "huge":
            request.setHeader("Content-Type", "text/html; charset=utf-8")
            request.setHeader("Content-Length", str(_HUGE_BYTES))
            self._pump(request, _HUGE_BYTES)
            return
        request.setHeader("Content-Length", str(len(reply.body)))
        request.write(reply.body)
        request.finish()

    def _trickle(self, request: Request, remaining: int) -> None:
        """One byte every half second, far past any sane download timeout."""
        if request.finished or request.channel is None or getattr(request, "_disconnected", False):
            return
        if remaining <= 0:
            request.channel.transport.loseConnection()
            return
        request.write(b" ")
        self.reactor.callLater(0.5, self._trickle, request, remaining - 1)

    def _pump(self, request: Request, remaining: int) -> None:
        """Write a huge body a chunk at a time, stopping when the client hangs up."""
        if request.finished or request.channel is None or getattr(request, "_disconnected", False):
            return
        if remaining <= 0:
            request.finish()
            return
        size = min(_CHUNK, remaining)
        request.write(b"<p>" + b"x" * (size - 7) + b"</p>\n")
        self.reactor.callLater(0, self._pump, request, remaining - size)


_CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".xml": "application/xml; charset=utf-8",
    ".json": "application/json",
}


def negotiated(reply: Reply, accept_encoding: str | None) -> Reply:
    """``reply`` with its HTML or XML body compressed as ``accept_encoding`` prefers (and
    ``Vary: Accept-Encoding``); other replies, actions and encoded bodies as they are."""
    content_type = reply.headers.get("Content-Type", "")
    if (
        reply.action
        or not reply.body
        or "Content-Encoding" in reply.headers
        or not _COMPRESSIBLE_RE.match(content_type)
    ):
        return reply
    body, coding = compression.compress(reply.body, accept_encoding)
    headers = {**reply.headers, "Vary": "Accept-Encoding"}
    if coding != "identity":
        headers["Content-Encoding"] = coding
    return replace(reply, body=body, headers=headers)


def _post_at(blog: Blog, path: str) -> Post | None:
    """The post of ``blog`` whose article is at ``path``, if any."""
    return next((post for post in blog.posts if engines.article_path(blog, post) == path), None)


def static_reply(site: FixtureSite, path: str, port: int) -> Reply:
    """A fixture site's file, its absolute links pointed at the farm's port."""
    if path == "/robots.txt":
        return Reply(body=b"User-agent: *\nAllow: /\n", headers={"Content-Type": "text/plain"})
    if site.is_directory(path):  # as web servers do: /post -> /post/
        return redirect(f"http://{site.host}:{port}{path}/")
    file = site.file_for(path)
    if file is None:
        return NOT_FOUND
    host = site.host.encode()
    absolute = re.compile(rb"(https?://)" + re.escape(host) + rb"(?=[/\"'<\s])")
    body = absolute.sub(rb"\g<1>" + host + b":%d" % port, file.read_bytes())
    content_type = _CONTENT_TYPES.get(file.suffix)
    if content_type is None:
        xml = body.lstrip()[:5] == b"<?xml"
        content_type = "application/atom+xml; charset=utf-8" if xml else "text/html; charset=utf-8"
    return Reply(body=body, headers={"Content-Type": content_type})


@dataclass(frozen=True)
class WebLike:
    """Hosts as on the web: each normal host's latency drawn from a log-normal distribution
    (median ``median`` seconds, ``sigma``; p99 = median x e^(2.33 sigma)), and a share of hosts
    that never answer (``hang_share``) or trickle a byte at a time past any timeout
    (``trickle_share``). Deterministic per host name (``seed``)."""

    median: float = 0.15
    sigma: float = 1.0
    hang_share: float = 0.01
    trickle_share: float = 0.01
    seed: int = 1

    def _draw(self, host: str) -> tuple[float, float]:
        digest = hashlib.blake2b(f"{self.seed}:{host}".encode(), digest_size=16).digest()
        first, second = int.from_bytes(digest[:8]), int.from_bytes(digest[8:])
        return (first + 0.5) / 2**64, (second + 0.5) / 2**64

    def latency(self, host: str) -> float:
        quantile, _ = self._draw(host)
        return self.median * math.exp(self.sigma * NormalDist().inv_cdf(quantile))

    def fate(self, host: str) -> str:
        """``hang``, ``trickle`` or ``ok``."""
        _, pick = self._draw(host)
        if pick < self.hang_share:
            return "hang"
        if pick < self.hang_share + self.trickle_share:
            return "trickle"
        return "ok"


def _cancel(_failure: Any, call: IDelayedCall) -> None:
    if call.active():
        call.cancel()


class _CountingSite(Site):
    """A Site that counts the connections it accepts into its farm's load report."""

    def buildProtocol(self, addr: Any) -> Any:  # noqa: N802 - Twisted's name
        self.resource.connections += 1
        return super().buildProtocol(addr)


def make_site(farm: BlogFarm) -> Site:
    """A quiet Site (no access log: it would cost more CPU than the pages)."""
    site = _CountingSite(farm)
    site.log = lambda *_args, **_kwargs: None  # type: ignore[method-assign]
    site.noisy = False
    return site
