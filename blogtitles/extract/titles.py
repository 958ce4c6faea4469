"""An article page's title as a reader sees it, its date and the blog's name.

The title is chosen on evidence, from one parse of the page (:class:`.facts.PageFacts`):

- **the visible headline** (:mod:`.headlines`): the article's heading, kicker-free;
- **witnesses**: the feed entry's title when the crawl found the article in the blog's feed
  (the author's own words), JSON-LD ``headline``, ``og:title``, ``twitter:title`` and
  ``<title>``, each tidied (entities decoded, once more where double-escaped) and without the
  part that names the site (:mod:`.sitenames`).

Metadata titles are often written for search engines and social cards, and differ from the
headline on the page. So: **the visible headline wins when a witness confirms it**: equal to it
up to typography (``’`` for ``'``), or equal once a site or section part (``Headline | Site``)
or a kicker (``Opinion | Headline``) beside it is set aside, or a cut copy of it (a strict
prefix, ``…``, or a value cut at a backslash-escaped quote). Its own form is reported
(``found_by="h1"``). When no witness confirms a heading, the page's headings are not trusted
(they may be a widget's, a ticker's, the comments'): the feed entry's title wins if there is
one, else the title most witnesses give (ties: JSON-LD, ``og:title``, ``twitter:title``,
``<title>``), in its full form if another witness continues a cut one. A page without
metadata (no witness but its ``<title>``, or none) gets its first heading. A per-site rule
(:mod:`.rules`) wins over all of it.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import NamedTuple

from lxml import etree

from blogtitles.extract.dates import parse_date
from blogtitles.extract.entries import first_date_text
from blogtitles.extract.facts import PageFacts
from blogtitles.extract.headlines import Headline, headline_candidates
from blogtitles.extract.html import (
    clean_text,
    clean_title,
    element_text,
    has_entity,
    parse_html,
)
from blogtitles.extract.rules import SiteRule
from blogtitles.extract.scripts import looks_script_built
from blogtitles.extract.sitenames import (
    SITE_SEPARATORS_RE,
    SiteNames,
    TitleHints,
    fold,
    site_name,
)
from blogtitles.extract.structured import ARTICLE_TYPES, node_types, text_value

_ELLIPSIS_RE = re.compile(r"\s*(?:…|\.\.\.)\s*$")
#: Between a title and a part beside it: a site's separators, or a bracket ("(Published 2016)").
_PART_SEPARATORS_RE = re.compile(f"{SITE_SEPARATORS_RE.pattern}|\\s+(?=[(\\[])")
#: Where pages put the article's date, in the order they are trusted (names lower case).
_DATE_METAS = (
    "article:published_time",
    "article:published:time",
    "og:published_time",
    "datepublished",
    "publishdate",
    "pubdate",
    "publish-date",
    "parsely-pub-date",
    "sailthru.date",
    "dc.date.issued",
    "dcterms.created",
    "dc.date",
    "date",
)
_EPOCH_RE = re.compile(r"^1\d{9}(?:\d{3})?$")
_WORD_RE = re.compile(r"\w+")
#: Witnesses in the order that breaks a tie between them.
WITNESSES = ("feed", "json-ld", "og:title", "twitter:title", "title")
#: A cut copy confirms a heading only when it is at least this long (a word or two is not).
_MIN_CUT = 12


@dataclass(frozen=True, slots=True)
class ArticleTitle:
    """The title, which signal gave it (``found_by``), the date and the blog's name if shown."""

    text: str
    found_by: str
    published: str | None = None
    blog_title: str = ""
    #: The page is an empty shell its scripts fill in: this "title" is the shell's, not the
    #: article's (see :mod:`.scripts`).
    script_built: bool = False
    #: Two signals agree on it (see :class:`Choice`); else the crawl may ask the feed.
    confirmed: bool = True


class Choice(NamedTuple):
    """The chosen title, the signal that gave it, and whether two signals agree on it (a
    heading a witness confirms, the feed's own title, a per-site rule)."""

    found_by: str
    text: str
    confirmed: bool = False


@dataclass(frozen=True, slots=True)
class TitleEvidence:
    """What the title was chosen from, as plain tuples (they travel in a request's
    ``cb_kwargs``): ``(text, with_kicker)`` per headline, ``(signal, text, cut)`` per witness."""

    headlines: tuple[tuple[str, bool], ...] = ()
    witnesses: tuple[tuple[str, str, bool], ...] = ()

    def with_feed(self, feed_title: str) -> Choice | None:
        """The choice again, with the feed entry's title as one more witness."""
        text, cut = tidy(feed_title)
        found = [Witness(*witness) for witness in self.witnesses if witness[0] != "feed"]
        if text:
            found.insert(0, Witness("feed", text, cut))
        return choose_title([Headline(*headline) for headline in self.headlines], found)


@dataclass(frozen=True, slots=True)
class ArticlePage:
    """What an article page says: its title (``None`` when it names none), whether it is an
    empty shell its scripts fill in (see :mod:`.scripts`), and what the title was chosen from,
    from one parse of the page."""

    title: ArticleTitle | None
    script_built: bool = False
    evidence: TitleEvidence = TitleEvidence()


@dataclass(frozen=True, slots=True)
class Witness:
    """A title the page's metadata (or the feed) gives, tidied and without the site's name.

    ``cut``: the value ends in ``…`` or at a backslash (a theme's unescaped quote ended the
    attribute there); ``text`` is then the part before.
    """

    signal: str
    text: str
    cut: bool = False

    @property
    def folded(self) -> str:
        return fold(self.text)


def read_article(
    page: str | bytes, url: str, rule: SiteRule | None = None, hints: TitleHints | None = None
) -> ArticlePage:
    """The article's title (with date and blog name) and whether the page is a script shell.

    ``url`` is the page's address; ``rule`` a per-site override; ``hints`` what the crawl
    learned before (the feed entry's title, the blog's name from its index page).
    """
    doc = parse_html(page)
    if doc is None:
        return ArticlePage(None)
    script_built = looks_script_built(doc)
    facts = PageFacts.of(doc)
    nodes = [node for node in facts.json_ld if node_types(node) & ARTICLE_TYPES]
    name = site_name(facts.metas, facts.json_ld, doc, url)
    own_names = (name, facts.meta("og:site_name", "application-name"))
    names = SiteNames.of(url, facts.json_ld, own_names, hints)
    headlines = [
        headline
        for headline in headline_candidates(facts.headings, name)
        # only what a reader would see as a title: not a heading of control characters alone
        if clean_title(headline.text) and not _is_name(headline.text, names)
    ]
    found = witnesses(facts, nodes, names, hints)
    evidence = TitleEvidence(
        tuple((headline.text, headline.with_kicker) for headline in headlines),
        tuple((witness.signal, witness.text, witness.cut) for witness in found),
    )
    chosen = _by_rule(doc, rule) or choose_title(headlines, found)
    if chosen is None:
        return ArticlePage(None, script_built, evidence)
    published = _published(doc, facts, nodes)
    title = ArticleTitle(
        chosen.text, chosen.found_by, published, name, script_built, chosen.confirmed
    )
    return ArticlePage(title, script_built, evidence)


def extract_title(
    page: str | bytes, url: str, rule: SiteRule | None = None, hints: TitleHints | None = None
) -> ArticleTitle | None:
    """The article's title (with date and blog name), or ``None`` when the page names none."""
    return read_article(page, url, rule, hints).title


def witnesses(
    facts: PageFacts, nodes: list[dict], names: SiteNames, hints: TitleHints | None = None
) -> list[Witness]:
    """The titles metadata (and the feed) give, in :data:`WITNESSES` order, the site's name
    cut from each; none that is only the site's name."""
    raw = [
        ("feed", hints.feed_title if hints else ""),
        ("json-ld", text_value(nodes[0].get("headline") or nodes[0].get("name")) if nodes else ""),
        ("og:title", facts.meta("og:title")),
        ("twitter:title", facts.meta("twitter:title")),
        ("title", facts.title),
    ]
    found = []
    for signal, value in raw:
        text, cut = tidy(value)
        text = names.strip(text)
        if text and not _is_name(text, names):
            found.append(Witness(signal, text, cut))
    return found


def tidy(value: str) -> tuple[str, bool]:
    """A metadata value as a reader would read it, and whether it was cut short.

    Entities are decoded (twice when double-escaped: ``&amp;ouml;``); a value ending in ``…``
    or at a lone backslash (``... & \\``: a theme wrote ``\\"`` inside a double-quoted
    attribute) is cut, and only the part before counts.
    """
    text = clean_title(value)
    if has_entity(text):
        text = clean_title(html.unescape(text))
    stem = _ELLIPSIS_RE.sub("", text)
    if text.endswith("\\"):
        stem = text.rstrip("\\").strip()
    return stem, stem != text


def choose_title(headlines: list[Headline], found: list[Witness]) -> Choice | None:
    """``(found_by, title)``: the first headline a witness gives, else the first a witness
    confirms, else the feed's title, else the witnesses' majority (see the module's
    docstring); ``None`` without any."""
    for headline in headlines:
        same = [witness for witness in found if witness.folded == fold(headline.text)]
        if same:
            return Choice("h1", _visible_form(headline, same), True)
    for headline in headlines:
        if any(confirms(witness, headline.text) for witness in found):
            return Choice("h1", headline.text, True)
    if headlines and all(witness.signal == "title" for witness in found):
        # No metadata at all: the page's heading over its <title> (often a stale or generic
        # one, "Blog | Site").
        return Choice("h1", headlines[0].text)
    if not found:
        return None
    feed = next((witness for witness in found if witness.signal == "feed"), None)
    if feed is not None:
        return Choice(feed.signal, feed.text, True)
    cores = {witness.signal: _core(witness, found) for witness in found}
    votes: dict[str, int] = {}
    for core in cores.values():
        votes[core.folded] = votes.get(core.folded, 0) + 1
    best = max(votes.values())
    chosen = next(core for core in cores.values() if votes[core.folded] == best)
    return _full_form(chosen, found)


def confirms(witness: Witness, headline: str) -> bool:
    """Whether ``witness`` gives ``headline`` with a site, section or kicker part beside it
    (shorter than the headline), or is a cut copy of it."""
    heading = fold(headline)
    if not heading:
        return False
    if (witness.cut or len(witness.text) >= _MIN_CUT) and heading.startswith(witness.folded):
        return True  # a cut copy
    return _beside(witness.text, heading)


def _beside(text: str, core: str) -> bool:
    """Whether ``text`` is ``core`` (folded) with a part after it (not after a colon: that
    is a subtitle), or a shorter part before it, at a separator."""
    for match in _PART_SEPARATORS_RE.finditer(text):
        before, after = fold(text[: match.start()]), fold(text[match.end() :])
        site_part = before == core and not match.group().startswith(":")
        if site_part or (after == core and len(before) < len(core)):
            return True
    return False


def _visible_form(headline: Headline, same: list[Witness]) -> str:
    """The heading's form of a title witnesses give too (its typography is the author's),
    unless the heading's layout dropped a separator they write (a kicker set apart): then
    the witnesses' most common form."""
    forms = [witness.text for witness in same]
    written = max(forms, key=lambda form: (_marks(form), forms.count(form)))
    if headline.with_kicker or _marks(written) > _marks(headline.text):
        return written
    return headline.text


def _marks(text: str) -> int:
    """Separators and word breaks: what a layout that sets parts apart drops from the text."""
    return sum(1 for char in text if char in ":|/") + len(_WORD_RE.findall(text))


def _core(witness: Witness, found: list[Witness]) -> Witness:
    """The shorter witness that ``witness`` repeats with a site part beside it, else itself."""
    for other in found:
        if len(other.folded) < len(witness.folded) and _beside(witness.text, other.folded):
            return other
    return witness


def _full_form(chosen: Witness, found: list[Witness]) -> Choice:
    """``chosen``, or the witness that continues it when it is cut (not with a site part)."""
    for other in found:
        if other is chosen or len(other.text) <= len(chosen.text):
            continue
        if not other.text.startswith(chosen.text):
            continue
        continues = not SITE_SEPARATORS_RE.match(other.text[len(chosen.text) :])
        if chosen.cut or (continues and other.signal != "title"):
            return Choice(other.signal, other.text)
    return Choice(chosen.signal, chosen.text)


def _is_name(text: str, names: SiteNames) -> bool:
    return fold(text) in names.names


def _by_rule(doc: etree._Element, rule: SiteRule | None) -> Choice | None:
    if rule is None or not rule.title:
        return None
    for match in rule.select(doc, "title")[:1]:
        text = clean_title(match if isinstance(match, str) else element_text(match))
        if text:
            return Choice("site_rule", text, True)
    return None


def _published(doc: etree._Element, facts: PageFacts, nodes: list[dict]) -> str | None:
    """The article's own date: its metadata, JSON-LD ``datePublished`` (the article's, else any
    node's), a ``<time>`` in the article (else the page's first), else the first short text
    that reads as a date. The first that reads as a date wins."""
    values = [facts.metas.get(name) for name in _DATE_METAS]
    values += [text_value(node.get("datePublished")) for node in nodes[:1]]
    values += [text_value(node.get("datePublished")) for node in facts.json_ld]
    for value in values:
        parsed = value and (parse_date(value) or _from_epoch(value))
        if parsed:
            return parsed
    times = sorted(facts.times, key=_time_rank)
    for element in times[:1]:
        parsed = parse_date(clean_text(element.get("datetime") or ""))
        if parsed:
            return parsed
    return first_date_text(doc)


def _from_epoch(value: str) -> str | None:
    """A date written as seconds or milliseconds since 1970 (``1750680000000``), as some
    engines fill ``article:published_time``."""
    if not _EPOCH_RE.match(value):
        return None
    seconds = int(value) / (1000 if len(value) == 13 else 1)
    return datetime.fromtimestamp(seconds, UTC).isoformat()


def _time_rank(element: etree._Element) -> int:
    """``<time>`` elements in order of trust: the article's, a published mark, any other."""
    if element.get("datetime") is None:
        return 3
    if any(parent.tag == "article" for parent in element.iterancestors()):
        return 0
    marks = (element.get("class") or "") + " " + (element.get("itemprop") or "")
    return 1 if "dt-published" in marks or "datePublished" in marks else 2
