"""Whether a page is an empty shell that JavaScript fills in (a single-page-app blog).

Such a page has scripts, next to no text of its own, and an empty app root (``<div id="app">``,
``#root``, ``#__next``...) or a ``<noscript>`` notice. A plain download of it shows no article
link and no title; a browser shows them. Pages with a ``<noscript>`` of their own (lazy-loaded
images, analytics pixels) but real text are not shells.
"""

from __future__ import annotations

from lxml import etree

_APP_IDS = ("app", "root", "__next", "__nuxt", "___gatsby", "svelte", "main-app", "application")
# A cheap first test, true for few pages: an app root or a noscript element at all.
_APP_ROOT = (
    "//body//*["
    + " or ".join(f"@id='{name}'" for name in _APP_IDS)
    + " or @data-reactroot or @ng-app or @data-server-rendered]"
)
_MARKERS = etree.XPath(f"//noscript | {_APP_ROOT}")
_EMPTY_APP_ROOT = etree.XPath(f"boolean({_APP_ROOT}[not(*)][normalize-space()=''])")
_SCRIPTS = etree.XPath("boolean(//script[@src or normalize-space()])")
_NOT_SHOWN = frozenset({"script", "style", "noscript", "template"})
#: A shell shows less visible text than this (a blog index or article shows far more).
MAX_SHELL_TEXT = 200


def looks_script_built(doc: etree._Element) -> bool:
    """Whether the parsed page ``doc`` is an empty shell built by its scripts.

    The shown text is counted first, and only until it is long enough: a real page answers
    after its first few elements, without a scan of the whole tree.
    """
    if shows_text(doc, MAX_SHELL_TEXT):
        return False
    markers = _MARKERS(doc)
    if not markers or not _SCRIPTS(doc):
        return False
    noscript = any(element.tag == "noscript" for element in markers)
    return noscript or bool(_EMPTY_APP_ROOT(doc))


def shows_text(doc: etree._Element, enough: int) -> bool:
    """Whether the page's body shows at least ``enough`` characters of text (white space at
    the ends of each piece aside; scripts, styles, ``<noscript>`` and templates not counted)."""
    body = doc.find("body")
    if body is None:
        return False
    shown = 0
    walker = etree.iterwalk(body, events=("start", "end"))
    for event, element in walker:
        if event == "start":
            if element.tag in _NOT_SHOWN:
                walker.skip_subtree()
            else:
                shown += len((element.text or "").strip())
        else:
            shown += len((element.tail or "").strip())
        if shown >= enough:
            return True
    return False
