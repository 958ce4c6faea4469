"""The farm's JavaScript-only blogs: pages that are an empty shell until their script runs.

As single-page-app blogs are built: an empty app root, a ``<noscript>`` notice, and a script that
builds the list of posts (or the article) after load. A plain download finds no article link in
them; a browser (Splash, Chromium) finds what a reader sees. Kinds (``catalog.SCRIPTED_KINDS``):

- ``js-index``: the index's post list is built by script from data inside the page;
- ``js-app``: the index and the article pages are both built by script (the article's heading and
  ``<title>`` too: the shell's ``<title>`` is only the blog's name);
- ``js-api``: the index's script asks the blog's JSON API (``api/posts.json``) for the posts;
- ``js-hang``: the index loads a script that never arrives: a renderer times out on it.

The scripts are ES5 with ``XMLHttpRequest``: Splash's QtWebKit predates ``fetch`` and arrows.
"""

from __future__ import annotations

import json

from farm import engines
from farm.catalog import Blog, Post

#: Under the blog's base path: the JSON API of ``js-api``, the script that ``js-hang`` waits for.
API_PATH = "api/posts.json"
NEVER_PATH = "assets/never.js"

_NOSCRIPT = "<noscript>You need to enable JavaScript to run this app.</noscript>"
# Escapes text for innerHTML; defined in every page.
_ESC = (
    "function esc(s) { return String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;')"
    ".replace(/>/g, '&gt;').replace(/\"/g, '&quot;'); }"
)
_LIST = (
    "function list(posts) { var html = '<main><h1>' + esc(NAME) + '</h1>';"
    " for (var i = 0; i < posts.length; i++) { var p = posts[i];"
    ' html += \'<article class="post"><h2 class="post-title"><a href="\' + esc(p.url) + \'">\''
    " + esc(p.title) + '</a></h2><time datetime=\"' + p.date + '\">' + p.date + '</time>"
    "</article>'; }"
    " document.getElementById('app').innerHTML = html + '</main>'; }"
)


def _js(value: object) -> str:
    """A JSON value safe inside ``<script>`` (no ``</script>`` can end it early)."""
    return json.dumps(value).replace("</", "<\\/")


def _posts(blog: Blog, origin: str) -> list[dict[str, str]]:
    return [
        {
            "url": origin + engines.article_path(blog, post),
            "title": post.title,
            "date": post.published.isoformat(),
        }
        for post in blog.posts
    ]


def _shell(title: str, root: str, script: str, head: str = "") -> str:
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{engines.esc(title)}</title>{head}</head>\n"
        f'<body><div id="{root}"></div>{_NOSCRIPT}\n<script>{script}</script></body></html>\n'
    )


def index_shell(blog: Blog, origin: str) -> str:
    """The index of a script-built blog: an empty ``#app`` until the script lists the posts."""
    name = f"var NAME = {_js(blog.name)}; {_ESC} {_LIST}"
    if blog.kind == "js-api":
        url = _js(origin + blog.base_path + API_PATH)
        script = (
            f"{name} var xhr = new XMLHttpRequest(); xhr.open('GET', {url});"
            " xhr.onload = function () { list(JSON.parse(xhr.responseText).posts); };"
            " xhr.send();"
        )
        return _shell(blog.name, "app", script)
    script = f"{name} var POSTS = {_js(_posts(blog, origin))};"
    script += " setTimeout(function () { list(POSTS); }, 20);"
    head = ""
    if blog.kind == "js-hang":  # a blocking script that never arrives: the page never loads
        head = f'<script src="{origin}{blog.base_path}{NEVER_PATH}"></script>'
    return _shell(blog.name, "app", script, head)


def article_shell(blog: Blog, post: Post) -> str:
    """An article of ``js-app``: the heading and the page title are set by script."""
    script = (
        f"var NAME = {_js(blog.name)}; var TITLE = {_js(post.title)}; {_ESC}"
        " setTimeout(function () { document.title = TITLE + ' | ' + NAME;"
        " document.getElementById('root').innerHTML = '<article><h1 class=\"entry-title\">'"
        " + esc(TITLE) + '</h1><p>Written for the sample farm.</p></article>'; }, 20);"
    )
    return _shell(blog.name, "root", script)


def posts_json(blog: Blog, origin: str) -> bytes:
    """The ``js-api`` blog's API answer."""
    return json.dumps({"blog": blog.name, "posts": _posts(blog, origin)}).encode()
