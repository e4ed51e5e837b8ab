"""The detector: compiled signatures applied to a site snapshot.

`Detector` is built once from signature files (compiling every pattern) and is then a pure
function of a `Site`: no I/O, no Scrapy, no global state. Matching runs per evidence field:
one Hyperscan scan of the body prefilters `html`, `text`, `css` and `scripts`; one scan of the
script URLs prefilters `scriptSrc`; keyed fields (headers, cookies, meta, js, dns) are looked
up by key. Every candidate is confirmed by its own bounded-time regex, which yields the
matched text for the evidence and the groups for the version.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

from detectors import signatures
from detectors.dom import DomMatcher
from detectors.extract import Features, View, views
from detectors.jsglobals import candidates, static_globals
from detectors.mailauth import is_spf, parse_dmarc, parse_spf
from detectors.models import Detection, Evidence, Report
from detectors.owner import NOBODY, Owner, owner_of
from detectors.patterns import ANCHORED, MATCH_EXCERPT, Pattern, excerpt, fallback_budget
from detectors.prefilter import Prefilter
from detectors.signatures import SignatureSet, Technology
from detectors.snapshot import Page, Site

DEFAULT_MIN_CONFIDENCE = 50
BODY_FIELDS = ("html", "text", "css", "scripts")
LINE_FIELDS = ("scriptSrc", "xhr", "url")
SITE_FIELDS = ("robots", "certIssuer")
INLINE = "inline script"
"""Evidence key of a script URL or JS global read from an inline script's text."""
PREFILTER_MIN = 6
"""Keys with at least this many patterns (e.g. meta `generator`) get their own prefilter."""


@dataclass(slots=True)
class _Hit:
    """Evidence collected for one technology before resolution."""

    evidence: dict[tuple[str, str, str], Evidence] = field(default_factory=dict)
    versions: list[str] = field(default_factory=list)

    def add(self, pattern_id: tuple[str, str, str], ev: Evidence, version: str) -> None:
        if pattern_id not in self.evidence:
            self.evidence[pattern_id] = ev
        if version:
            self.versions.append(version)

    @property
    def confidence(self) -> int:
        return min(100, sum(e.confidence for e in self.evidence.values()))


class Detector:
    """Compiled signatures. Build once, call `detect_site` or `detect_page` many times."""

    def __init__(self, sigs: SignatureSet, *, min_confidence: int = DEFAULT_MIN_CONFIDENCE) -> None:
        self.sigs = sigs
        self.min_confidence = min_confidence
        all_patterns = [p for t in sigs.technologies.values() for p in t.patterns]
        self._body = [p for p in all_patterns if p.field in BODY_FIELDS and not p.is_presence]
        self._body_always = [
            i
            for i, p in enumerate(self._body)
            if p.field != "html" and ANCHORED.search(p.regex_source)
        ]
        self._body_pf = Prefilter([p.regex_source for p in self._body])
        self._lines = {f: [p for p in all_patterns if p.field == f] for f in LINE_FIELDS}
        self._lines_pf = {
            f: Prefilter([p.regex_source for p in ps], multiline=True)
            for f, ps in self._lines.items()
        }
        self._small = {f: [p for p in all_patterns if p.field == f] for f in SITE_FIELDS}
        self._keyed = _index_keyed(all_patterns)
        self._cookie_prefixes = [
            p for p in all_patterns if p.field == "cookies" and p.key.endswith("*")
        ]
        self._dom = DomMatcher([r for t in sigs.technologies.values() for r in t.dom])
        self._js_wanted = candidates(self._keyed.get("js", {}))

    @classmethod
    def load(
        cls,
        paths: Iterable[str | Path] | None = None,
        *,
        include_own: bool = True,
        min_confidence: int = DEFAULT_MIN_CONFIDENCE,
        on_error: str = "raise",
    ) -> Detector:
        sigs = signatures.load(paths, include_own=include_own, on_error=on_error)
        return cls(sigs, min_confidence=min_confidence)

    # -- public API -------------------------------------------------------------------

    @property
    def js_paths(self) -> list[str]:
        """The JS globals (dotted paths) some signature asks for: what a render reads."""
        return sorted(self._keyed.get("js", {}))

    def detect_page(self, page: Page) -> Report:
        return self.detect_site(Site(domain="", pages=[page]))

    def detect_site(self, site: Site) -> Report:
        started = time.process_time()
        hits: dict[str, _Hit] = {}
        with fallback_budget() as budget:
            for page in site.pages:
                for view in views(page):
                    self._match_view(view, hits)
            self._match_site(site, hits)
        detections = self._resolve(hits)
        report = self._report(detections, time.process_time() - started)
        report.fallback_skipped = budget.skipped
        return report

    # -- matching ----------------------------------------------------------------------

    def _match_view(self, view: View, hits: dict[str, _Hit]) -> None:
        feats = Features(view)
        owner = owner_of(view.url, feats.meta, feats.title)
        record = _Recorder(hits, view.url, view.source, owner)
        self._match_body(view, feats, record)
        line_subjects = (
            ("scriptSrc", feats.script_srcs, None),
            ("xhr", [*view.requests, *feats.script_srcs, *feats.hints], None),
            ("url", [view.url], None),
            ("scriptSrc", feats.inline_urls, INLINE),
            ("xhr", feats.inline_urls, INLINE),
        )
        for fname, subjects, key in line_subjects:
            if subjects:
                joined = "\n".join(subjects)
                for i in sorted(set(self._lines_pf[fname].scan(joined))):
                    record.lines(self._lines[fname][i], joined, key)
        self._match_static_js(static_globals(feats.inline_js, self._js_wanted), record)
        self._match_keyed("headers", view.headers.items(), record, lower=True)
        meta = [(k, v) for k, values in feats.meta.items() for v in values]
        self._match_keyed("meta", meta, record, lower=True)
        self._match_cookies(view.cookies, record)
        js = [(k, _js_text(v)) for k, v in view.js.items() if v is not None]
        self._match_keyed("js", js, record)
        for rule, pattern, key, text in self._dom.match(feats.root, view.html):
            p = pattern or Pattern(tech=rule.tech, field="dom", source=rule.selector, key=key,
                                   confidence=rule.exists_confidence)  # fmt: skip
            m = p.search(text) if pattern else None
            record.add(p, text, p.resolve_version(m) if pattern else "", match=m)

    def _match_body(self, view: View, feats: Features, record: _Recorder) -> None:
        if not view.html:
            return
        candidates = set(self._body_pf.scan(view.html)) | set(self._body_always)
        for i in sorted(candidates):
            p = self._body[i]
            if p.field == "html":
                record.first(p, [view.html])
            elif p.field == "scripts":
                record.first(p, [feats.all_scripts])
            elif p.field == "css":
                record.first(p, [feats.all_styles])
            else:
                record.first(p, [feats.text])

    def _match_keyed(
        self,
        fname: str,
        values: Iterable[tuple[str, str]],
        record: _Recorder,
        *,
        lower: bool = False,
    ) -> None:
        index = self._keyed.get(fname, {})
        for key, value in values:
            entry = index.get(key.lower() if lower else key)
            if entry is not None:
                for p in entry.candidates(value):
                    record.first(p, [value])

    def _match_static_js(self, found: dict[str, str | None], record: _Recorder) -> None:
        index = self._keyed.get("js", {})
        for path, value in found.items():
            entry = index.get(path)
            if entry is None:
                continue
            for p in entry.patterns:
                if p.is_presence:
                    record.add(p, f"{path} (defined in an {INLINE})", p.resolve_version(None))
                elif value is not None:
                    record.first(p, [value])

    def _match_cookies(self, cookies: dict[str, str], record: _Recorder) -> None:
        self._match_keyed("cookies", cookies.items(), record)
        for p in self._cookie_prefixes:
            prefix = p.key[:-1]
            for name, value in cookies.items():
                if name.startswith(prefix) and record.first(p, [value]):
                    break

    def _match_site(self, site: Site, hits: dict[str, _Hit]) -> None:
        record = _Recorder(hits, "", "dns")
        index = self._keyed.get("dns", {})
        for rtype, subjects in dns_subjects(site).items():
            entry = index.get(rtype)
            if entry is None:
                continue
            for p in entry.candidates("\n".join(value for _, value in subjects)):
                record.record_of(p, subjects)
        home = site.pages[0].url if site.pages else ""
        if site.tls and site.tls.issuer:
            tls = _Recorder(hits, f"tls:{site.tls.host or site.domain}", "tls")
            for p in self._small["certIssuer"]:
                tls.first(p, [site.tls.issuer])
        if site.robots_txt:
            robots = _Recorder(hits, urljoin(home, "/robots.txt") if home else "", "robots")
            for p in self._small["robots"]:
                robots.first(p, [site.robots_txt])

    # -- resolution --------------------------------------------------------------------

    def _resolve(self, hits: dict[str, _Hit]) -> dict[str, Detection]:
        techs = self.sigs.technologies
        found = {
            name: self._detection(techs[name], hit)
            for name, hit in hits.items()
            if hit.confidence >= self.min_confidence
        }
        _drop_unmet_requirements(found, techs)
        self._add_implied(found)
        for name in list(found):
            if name in found:
                for excluded in techs[name].excludes:
                    found.pop(excluded, None)
        return found

    def _detection(self, tech: Technology, hit: _Hit) -> Detection:
        return Detection(
            name=tech.name,
            categories=self.sigs.category_names(tech),
            confidence=hit.confidence,
            version=_best_version(hit.versions),
            evidence=list(hit.evidence.values()),
            vendor=tech.vendor,
            website=tech.website,
            saas=tech.saas,
            pricing=list(tech.pricing),
        )

    def _add_implied(self, found: dict[str, Detection]) -> None:
        techs = self.sigs.technologies
        queue = list(found)
        while queue:
            parent = found[queue.pop()]
            for imp in techs[parent.name].implies:
                if imp.name not in techs:
                    continue
                confidence = min(parent.confidence, imp.confidence)
                if confidence < self.min_confidence and imp.name not in found:
                    continue
                ev = Evidence("implies", f"{parent.name} implies {imp.name}", parent.name,
                              source="implied", confidence=confidence)  # fmt: skip
                if imp.name not in found:
                    found[imp.name] = self._detection(techs[imp.name], _Hit())
                    found[imp.name].confidence = confidence
                    found[imp.name].version = imp.version if "\\" not in imp.version else ""
                    queue.append(imp.name)
                target = found[imp.name]
                if parent.name not in target.implied_by:
                    target.implied_by.append(parent.name)
                    if all(e.source == "implied" for e in target.evidence):
                        target.evidence.append(ev)

    def _report(self, found: dict[str, Detection], seconds: float) -> Report:
        priority = {c.name: c.priority for c in self.sigs.categories.values()}
        ordered = sorted(
            found.values(),
            key=lambda d: (min((priority.get(c, 9) for c in d.categories), default=9), d.name),
        )
        categories: dict[str, list[str]] = {}
        for d in ordered:
            for c in d.categories:
                categories.setdefault(c, []).append(d.name)
        gaps = [c.name for c in self.sigs.core_categories() if c.name not in categories]
        return Report(ordered, categories, gaps, seconds)


class _Recorder:
    """Confirms candidates on their subjects and records the first match as evidence."""

    def __init__(self, hits: dict[str, _Hit], url: str, source: str, owner: Owner = NOBODY) -> None:
        self.hits = hits
        self.url = url
        self.source = source
        self.owner = owner
        """Whose site the page is, for `tenant` patterns."""

    def first(self, pattern: Pattern, subjects: Sequence[str], key: str | None = None) -> bool:
        for subject in subjects:
            m = pattern.search(subject)
            if m is not None:
                self.add(pattern, excerpt(subject, m), pattern.resolve_version(m), key=key, match=m)
                return True
        return False

    def lines(self, pattern: Pattern, joined: str, key: str | None = None) -> bool:
        m = pattern.search_lines(joined)
        if m is None:
            return False
        if "\n" in m.group(0):  # a negated class ran across subjects: match them one by one
            return self.first(pattern, joined.split("\n"), key)
        line_start = joined.rfind("\n", 0, m.start()) + 1 if m.group(0) else 0
        line_end = joined.find("\n", line_start)
        line = joined[line_start : line_end if line_end >= 0 else len(joined)]
        self.add(pattern, excerpt(line, m), pattern.resolve_version(m), key=key, match=m)
        return True

    def record_of(self, pattern: Pattern, subjects: Sequence[tuple[str, str]]) -> bool:
        """First (name, value) record matched: the evidence keeps the whole value and name."""
        for name, value in subjects:
            m = pattern.search(value)
            if m is not None:
                text = value if len(value) <= MATCH_EXCERPT else value[: MATCH_EXCERPT - 1] + "…"
                self.add(pattern, text, pattern.resolve_version(m), url=f"dns:{name}")
                return True
        return False

    def add(
        self, pattern: Pattern, text: str, version: str, url: str | None = None,
        key: str | None = None, match: Any = None,
    ) -> None:  # fmt: skip
        ev = Evidence(
            field=pattern.field,
            pattern=pattern.source,
            match=text,
            url=self.url if url is None else url,
            key=pattern.key if key is None else key,
            source=self.source,
            confidence=pattern.confidence_for(match, self.owner),
        )
        hit = self.hits.setdefault(pattern.tech, _Hit())
        hit.add((pattern.field, pattern.key, pattern.source), ev, version)


class _KeyPatterns:
    """The patterns of one header, cookie, meta name, JS global or DNS type."""

    def __init__(self) -> None:
        self.patterns: list[Pattern] = []
        self._prefilter: Prefilter | None = None

    def seal(self) -> None:
        if len(self.patterns) >= PREFILTER_MIN:
            self._prefilter = Prefilter([p.regex_source for p in self.patterns], multiline=True)

    def candidates(self, value: str) -> list[Pattern]:
        if self._prefilter is None:
            return self.patterns
        return [self.patterns[i] for i in sorted(set(self._prefilter.scan(value)))]


def _index_keyed(patterns: Iterable[Pattern]) -> dict[str, dict[str, _KeyPatterns]]:
    index: dict[str, dict[str, _KeyPatterns]] = {}
    for p in patterns:
        if p.field in ("headers", "meta"):
            key = p.key.lower()
        elif p.field in ("js", "dns") or (p.field == "cookies" and not p.key.endswith("*")):
            key = p.key
        else:
            continue
        index.setdefault(p.field, {}).setdefault(key, _KeyPatterns()).patterns.append(p)
    for by_key in index.values():
        for entry in by_key.values():
            entry.seal()
    return index


def dns_subjects(site: Site) -> dict[str, list[tuple[str, str]]]:
    """(record name, value) pairs by signature key: the DNS types plus SPF, DMARC and VERIFY.

    Only the account's own records count: those at its domain or under it (a CNAME chain's
    later hops and the SPF records of included vendors belong to someone else: Zendesk's CDN
    is not the account's CDN). TXT and VERIFY read the domain's own TXT records; SPF the
    domains named by `include:`/`redirect=` in the account's SPF records; DMARC the domains
    `_dmarc.<domain>` sends reports to.
    """
    out: dict[str, list[tuple[str, str]]] = {}
    own_spf = False
    for rec in site.dns:
        if not _own(rec.name, site.domain):
            continue
        if rec.type != "TXT":
            out.setdefault(rec.type, []).append((rec.name, rec.value))
        elif rec.name.startswith("_dmarc."):
            continue  # read below, through the CNAME of a delegated record
        elif is_spf(rec.value):
            own_spf = True
            out.setdefault("SPF", []).extend((rec.name, t) for t in parse_spf(rec.value).targets)
            if rec.name == site.domain or not site.domain:
                out.setdefault("TXT", []).append((rec.name, rec.value))
        elif rec.name == site.domain or not site.domain:
            out.setdefault("TXT", []).append((rec.name, rec.value))
            out.setdefault("VERIFY", []).append((rec.name, rec.value))
    if site.spf_includes and not own_spf:  # a snapshot that kept the includes, not the records
        out["SPF"] = [(site.domain, d) for d in site.spf_includes]
    for name in dmarc_names(site):
        for value in site.txt_at(name):
            dmarc = parse_dmarc(value)
            if dmarc is not None:
                out.setdefault("DMARC", []).extend((name, d) for d in dmarc.report_domains)
    return out


def dmarc_names(site: Site) -> list[str]:
    if site.domain:
        return [f"_dmarc.{site.domain}"]
    return sorted({r.name for r in site.dns if r.name.startswith("_dmarc.")})


def _own(name: str, domain: str) -> bool:
    return not domain or name == domain or name.endswith("." + domain)


def _js_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return value if isinstance(value, str) else str(value)


def _best_version(versions: Sequence[str]) -> str:
    """The most specific version seen: most components, then most often seen."""
    if not versions:
        return ""
    return max(versions, key=lambda v: (v.count("."), versions.count(v), len(v)))


def _drop_unmet_requirements(found: dict[str, Detection], techs: dict[str, Technology]) -> None:
    """Drop detections whose `requires`/`requiresCategory` nothing found (or implied) meets.

    A requirement met only through an implication counts (`requires: PHP` is met by
    WordPress, which implies PHP); dropping one detection can unmeet another's, so this
    repeats until nothing changes.
    """
    changed = True
    while changed:
        changed = False
        present = _with_implied(found, techs)
        for name in list(found):
            tech = techs[name]
            others = [techs[o] for o in present if o != name and o in techs]
            unmet_tech = tech.requires and not any(r in present for r in tech.requires)
            unmet_cat = tech.requires_category and not any(
                c in o.cats for o in others for c in tech.requires_category
            )
            if unmet_tech or unmet_cat:
                del found[name]
                changed = True


def _with_implied(found: dict[str, Detection], techs: dict[str, Technology]) -> set[str]:
    present = set(found)
    queue = list(found)
    while queue:
        for imp in techs[queue.pop()].implies:
            if imp.name in techs and imp.name not in present:
                present.add(imp.name)
                queue.append(imp.name)
    return present
