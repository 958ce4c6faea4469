"""titles-dev: the title extractor on 252 real article pages (``../shared/data/titles-dev``).

Each case is a saved page with the title and date a hand-written parser for its site gives (see
the corpus's ``SOURCE.md``). The pages are read from ``../shared``, never copied here. A page is
decoded as the crawl decodes it (UTF-8 when its bytes are, else as Scrapy would: w3lib, the page's
own declaration, else a guess), then handed to
:func:`blogtitles.extract.read_article`.

- **exact**: the title, cleaned as the crawl cleans it, equals the expected one;
- **lenient**: equal once case, punctuation and white space are set aside, or the expected title
  plus a part after a separator (a site's name, a kicker);
- **date**: the calendar day of ``published`` equals the expected one (cases that have one).
"""

from __future__ import annotations

import gzip
import json
import re
import time
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from lxml import html as lxml_html
from w3lib.encoding import html_to_unicode

from blogtitles.extract import page_text, read_article
from blogtitles.extract.html import clean_title

ROOT = Path(__file__).resolve().parent.parent
TITLES_DEV = ROOT.parent / "shared" / "data" / "titles-dev"
_SEPARATOR_RE = re.compile(r"\s+(?:\||-|–|—|::|·|»|•|/)\s+|:\s+")


@dataclass(frozen=True)
class Case:
    """One saved page and what a reader sees as its title and date."""

    id: str
    url: str
    title: str
    published: str

    def page(self, root: Path) -> str:
        """The page as the crawl reads it (:func:`blogtitles.extract.page_text`)."""
        raw = gzip.decompress((root / "html" / f"{self.id}.html.gz").read_bytes())
        return page_text(raw, lambda: html_to_unicode(None, raw)[1])


@dataclass(frozen=True)
class Outcome:
    case: Case
    title: str
    published: str
    found_by: str
    ms: float
    parse_ms: float

    @property
    def exact(self) -> bool:
        return self.title == clean_title(self.case.title)

    @property
    def lenient(self) -> bool:
        return lenient_match(self.title, self.case.title)

    @property
    def date_ok(self) -> bool | None:
        if not self.case.published:
            return None
        return self.published[:10] == self.case.published[:10]


def folded(text: str) -> str:
    """Case, punctuation and white space set aside."""
    text = unicodedata.normalize("NFKC", text).casefold()
    return "".join(char for char in text if char.isalnum())


def lenient_match(found: str, expected: str) -> bool:
    """Equal up to punctuation, or ``expected`` with a site's name (or kicker) beside it."""
    if folded(found) == folded(expected):
        return True
    for match in _SEPARATOR_RE.finditer(found):
        if folded(expected) in (folded(found[: match.start()]), folded(found[match.end() :])):
            return True
    return False


def load_cases(root: Path = TITLES_DEV) -> list[Case]:
    """The corpus's cases (none when it is not beside the project)."""
    path = root / "cases.jsonl"
    if not path.exists():
        return []
    cases = []
    for line in path.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        cases.append(Case(row["id"], row["url"], row["title"], row.get("published") or ""))
    return cases


def evaluate(case: Case, root: Path = TITLES_DEV) -> Outcome:
    """Extract one page's title and date, timed, next to lxml's bare parse of it."""
    page = case.page(root)
    started = time.perf_counter()
    lxml_html.document_fromstring(page.encode("utf-8"))
    parse_ms = (time.perf_counter() - started) * 1000
    started = time.perf_counter()
    article = read_article(page, case.url)
    ms = (time.perf_counter() - started) * 1000
    title = article.title
    return Outcome(
        case,
        clean_title(title.text) if title else "",
        (title.published or "") if title else "",
        title.found_by if title else "",
        ms,
        parse_ms,
    )


@dataclass(frozen=True)
class Report:
    outcomes: list[Outcome]

    @property
    def n(self) -> int:
        return len(self.outcomes)

    def share(self, attribute: str) -> float:
        return sum(getattr(o, attribute) for o in self.outcomes) / max(self.n, 1)

    @property
    def dates(self) -> tuple[int, int]:
        judged = [o.date_ok for o in self.outcomes if o.date_ok is not None]
        return sum(judged), len(judged)

    def line(self) -> str:
        right, judged = self.dates
        ms = sum(o.ms for o in self.outcomes) / max(self.n, 1)
        parse = sum(o.parse_ms for o in self.outcomes) / max(self.n, 1)
        return (
            f"titles-dev ({self.n} real pages): exact title {self.share('exact'):.1%}, lenient "
            f"{self.share('lenient'):.1%}, date {right}/{judged} ({right / max(judged, 1):.1%}); "
            f"{ms:.2f} ms a page, {ms / max(parse, 1e-9):.2f} x lxml's parse ({parse:.2f} ms)"
        )


def report(root: Path = TITLES_DEV) -> Report | None:
    cases = load_cases(root)
    return Report([evaluate(case, root) for case in cases]) if cases else None
