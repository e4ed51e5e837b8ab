"""Loading and validating signature files in the Wappalyzer technology schema.

Nothing here matches anything: it turns JSON files into `Technology` objects whose patterns
are compiled, and reports every problem with the technology's name and file.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cssselect import HTMLTranslator, SelectorError
from lxml import etree

from detectors.exceptions import SignatureError
from detectors.patterns import Pattern, parse

PACKAGE_DIR = Path(__file__).parent
OWN_SIGNATURES_DIR = PACKAGE_DIR / "signatures"
TAXONOMY_FILE = PACKAGE_DIR / "categories.json"

LIST_FIELDS = ("html", "text", "css", "scriptSrc", "scripts", "url", "xhr", "robots", "certIssuer")
KEYED_FIELDS = ("headers", "cookies", "meta", "js", "dns")
METADATA = {
    "cats", "vendor", "description", "website", "saas", "oss", "pricing", "icon", "cpe",
    "implies", "requires", "requiresCategory", "excludes", "probe", "dom",
}  # fmt: skip
_TRANSLATOR = HTMLTranslator()
PRICING = {"low", "mid", "high", "freemium", "onetime", "recurring", "poa", "payg"}
CORROBORATING = 40
"""Most an external file's pattern contributes to a technology the project's own files
define: below the reporting threshold alone, so it corroborates the reviewed evidence (or a
second external signal) instead of overriding it."""


@dataclass(slots=True)
class Category:
    id: int
    name: str
    core: bool = False
    priority: int = 5
    groups: list[str] = field(default_factory=list)


@dataclass(slots=True)
class Implied:
    name: str
    confidence: int = 100
    version: str = ""


@dataclass(slots=True)
class DomRule:
    """A CSS selector with what must hold for an element it selects."""

    tech: str
    selector: str
    xpath: Any = None
    exists: bool = True
    exists_confidence: int = 100
    text: Pattern | None = None
    attributes: dict[str, Pattern] = field(default_factory=dict)
    properties: dict[str, Pattern] = field(default_factory=dict)


@dataclass(slots=True)
class Technology:
    name: str
    cats: list[int]
    vendor: str = ""
    description: str = ""
    website: str = ""
    saas: bool | None = None
    oss: bool | None = None
    pricing: list[str] = field(default_factory=list)
    implies: list[Implied] = field(default_factory=list)
    requires: list[str] = field(default_factory=list)
    requires_category: list[int] = field(default_factory=list)
    excludes: list[str] = field(default_factory=list)
    patterns: list[Pattern] = field(default_factory=list)
    dom: list[DomRule] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)

    def weaken(self, cap: int) -> None:
        """Cap what every pattern and selector of this definition contributes."""
        for p in self.patterns:
            p.confidence = min(p.confidence, cap)
        for rule in self.dom:
            rule.exists_confidence = min(rule.exists_confidence, cap)
            checks = [rule.text, *rule.attributes.values(), *rule.properties.values()]
            for check in checks:
                if check is not None:
                    check.confidence = min(check.confidence, cap)

    def merge(self, other: Technology) -> None:
        """Add another file's evidence for the same technology; keep this one's metadata."""
        self.patterns.extend(other.patterns)
        self.dom.extend(other.dom)
        self.sources.extend(other.sources)
        for attr in ("implies", "requires", "requires_category", "excludes", "cats", "pricing"):
            mine = getattr(self, attr)
            mine.extend(x for x in getattr(other, attr) if x not in mine)
        for attr in ("vendor", "description", "website", "saas", "oss"):
            if getattr(self, attr) in ("", None):
                setattr(self, attr, getattr(other, attr))


@dataclass(slots=True)
class SignatureSet:
    technologies: dict[str, Technology]
    categories: dict[int, Category]
    files: list[str]
    duplicates: list[tuple[str, str, str]] = field(default_factory=list)
    """(name, first file, second file) for names defined in more than one file."""
    errors: list[str] = field(default_factory=list)
    """Patterns or selectors left out because they do not compile (only with `report`)."""

    def category_names(self, tech: Technology) -> list[str]:
        return [self.categories[c].name for c in tech.cats if c in self.categories]

    def core_categories(self) -> list[Category]:
        return sorted((c for c in self.categories.values() if c.core), key=lambda c: c.name)


def as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, list | tuple) else [value]


def load_taxonomy(path: Path = TAXONOMY_FILE) -> dict[int, Category]:
    raw = json.loads(path.read_text(encoding="utf-8"))
    return {int(k): _category(int(k), v) for k, v in raw.items()}


def _category(cid: int, raw: dict[str, Any]) -> Category:
    return Category(
        id=cid,
        name=str(raw["name"]),
        core=bool(raw.get("core", False)),
        priority=int(raw.get("priority", 5)),
        groups=[str(g) for g in raw.get("groups", [])],
    )


def own_signature_files() -> list[Path]:
    return sorted(OWN_SIGNATURES_DIR.glob("*.json"))


def expand_paths(paths: Iterable[str | Path]) -> list[Path]:
    """Files as given; a directory stands for the `*.json` files in it."""
    out: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            out.extend(sorted(p.glob("*.json")))
        elif p.exists():
            out.append(p)
        else:
            raise SignatureError("-", f"signature file not found: {p}")
    return out


def check_readable(paths: Iterable[str | Path]) -> list[Path]:
    """The signature files behind `paths`, each read as a JSON object; raises `SignatureError`
    naming the first that cannot be (missing, not JSON, nested too deeply, not an object)."""
    files = expand_paths(paths)
    for path in files:
        _read_json(path)
    return files


def load(
    paths: Iterable[str | Path] | None = None,
    *,
    include_own: bool = True,
    strict: bool = False,
    on_error: str = "raise",
) -> SignatureSet:
    """Load and compile signature files; the project's own come first unless excluded.

    A pattern that does not compile, or a technology whose definition is malformed, raises
    `SignatureError` naming the technology; with `on_error="report"` it is left out and listed
    in `SignatureSet.errors` instead, for the caller to show. A file that cannot be read as a
    JSON object raises `SignatureError` naming the file, whatever `on_error` says. `strict` (the project's own files) also rejects patterns RE2 cannot run
    and references to unknown technologies or categories.
    """
    categories = load_taxonomy()
    files = (own_signature_files() if include_own else []) + expand_paths(paths or [])
    techs: dict[str, Technology] = {}
    duplicates: list[tuple[str, str, str]] = []
    errors: list[str] | None = [] if on_error == "report" else None
    own = {str(p) for p in own_signature_files()}
    for path in files:
        for tech in _read_file(path, categories, errors):
            if tech.name in techs:
                first = techs[tech.name]
                duplicates.append((tech.name, first.sources[0], str(path)))
                if first.sources[0] in own and str(path) not in own:
                    tech.weaken(CORROBORATING)
                first.merge(tech)
            else:
                techs[tech.name] = tech
    sigs = SignatureSet(techs, categories, [str(f) for f in files], duplicates, errors or [])
    problems = list(check_references(sigs))
    if strict:
        problems += [f"{p.tech}: {p.field} pattern {p.source!r} needs the fallback engine "
                     "(own signatures must compile with RE2)"
                     for t in techs.values() for p in t.patterns if p.engine != "re2"]  # fmt: skip
    if strict and problems:
        raise SignatureError("-", "; ".join(problems))
    return sigs


def check_references(sigs: SignatureSet) -> Iterator[str]:
    """Names in implies/requires/excludes and category ids that point nowhere."""
    for tech in sigs.technologies.values():
        for cid in tech.cats + tech.requires_category:
            if cid not in sigs.categories:
                yield f"{tech.name}: unknown category id {cid}"
        refs = [i.name for i in tech.implies] + tech.requires + tech.excludes
        for ref in refs:
            if ref not in sigs.technologies:
                yield f"{tech.name}: refers to unknown technology {ref!r}"


def _read_file(
    path: Path, categories: dict[int, Category], errors: list[str] | None
) -> Iterator[Technology]:
    raw = _read_json(path)
    if isinstance(raw.get("technologies"), dict):
        _merge_categories(path, raw.get("categories"), categories)
        raw = raw["technologies"]
    by_name = {c.name.lower(): c.id for c in categories.values()}
    for name, definition in raw.items():
        try:
            yield build_technology(name, definition, by_name, errors, str(path))
        except SignatureError as exc:
            problem = SignatureError(exc.tech, str(exc).split(": ", 1)[-1], str(path))
            if errors is None:
                raise problem from exc
            errors.append(f"{problem} (technology left out)")
        except (TypeError, ValueError, AttributeError) as exc:
            problem = SignatureError(name, f"malformed definition: {exc}", str(path))
            if errors is None:
                raise problem from exc
            errors.append(f"{problem} (technology left out)")


def _read_json(path: Path) -> dict[str, Any]:
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise SignatureError("-", f"cannot read {path}: {exc}") from exc
    except RecursionError:
        raise SignatureError("-", f"cannot read {path}: JSON nested too deeply") from None
    if not isinstance(raw, dict):
        raise SignatureError("-", f"{path}: top level must be a JSON object")
    return raw


def _merge_categories(path: Path, raw: Any, categories: dict[int, Category]) -> None:
    """The `categories` of a Wappalyzer-style file (`{"technologies": ..., "categories": ...}`)."""
    if raw is None:
        return
    try:
        for cid, cat in raw.items():
            categories.setdefault(int(cid), _category(int(cid), cat))
    except (AttributeError, TypeError, ValueError, KeyError) as exc:
        raise SignatureError("-", f"{path}: bad categories: {exc!r}") from exc


def build_technology(
    name: str,
    raw: Any,
    cat_ids: dict[str, int],
    errors: list[str] | None = None,
    source: str = "",
) -> Technology:
    if not isinstance(raw, dict):
        raise SignatureError(name, "definition must be an object")
    tech = Technology(
        name=name,
        cats=[_cat_id(c, cat_ids, name) for c in as_list(raw.get("cats"))],
        vendor=str(raw.get("vendor", "")),
        description=str(raw.get("description", "")),
        website=str(raw.get("website", "")),
        saas=raw["saas"] if isinstance(raw.get("saas"), bool) else None,
        oss=raw["oss"] if isinstance(raw.get("oss"), bool) else None,
        pricing=[str(p) for p in as_list(raw.get("pricing"))],
        implies=[_implied(i, name) for i in as_list(raw.get("implies"))],
        requires=[str(r).split("\\;")[0] for r in as_list(raw.get("requires"))],
        requires_category=[_cat_id(c, cat_ids, name) for c in as_list(raw.get("requiresCategory"))],
        excludes=[str(r).split("\\;")[0] for r in as_list(raw.get("excludes"))],
        sources=[source or name],
    )
    report = _Report(errors, source)
    for fname in LIST_FIELDS:
        for p in as_list(raw.get(fname)):
            report.run(tech.patterns, parse, name, fname, p)
    for fname in KEYED_FIELDS:
        for key, p in _keyed_items(name, fname, raw.get(fname)):
            report.run(tech.patterns, parse, name, fname, p, key)
    for selector, spec in _dom_items(name, raw.get("dom")):
        report.run(tech.dom, dom_rule, name, selector, spec)
    return tech


@dataclass(slots=True)
class _Report:
    """Raise a SignatureError, or list it when loading with `on_error="report"`."""

    errors: list[str] | None
    source: str

    def run(self, out: list[Any], make: Any, *args: Any) -> None:
        try:
            out.append(make(*args))
        except SignatureError as exc:
            if self.errors is None:
                raise
            self.errors.append(f"{exc} [{self.source}]")
        except (TypeError, ValueError, AttributeError) as exc:
            problem = SignatureError(args[0], f"{args[1]}: malformed entry: {exc}")
            if self.errors is None:
                raise problem from exc
            self.errors.append(f"{problem} [{self.source}]")


def _cat_id(value: Any, by_name: dict[str, int], tech: str) -> int:
    if isinstance(value, int) or (isinstance(value, str) and value.isdigit()):
        return int(value)
    if isinstance(value, str) and value.lower() in by_name:
        return by_name[value.lower()]
    raise SignatureError(tech, f"unknown category {value!r}")


def _implied(raw: Any, tech: str) -> Implied:
    if not isinstance(raw, str):
        raise SignatureError(tech, f"implies entries must be strings, got {raw!r}")
    name, *tags = raw.split("\\;")
    implied = Implied(name=name)
    for tag in tags:
        key, _, value = tag.partition(":")
        if key == "confidence" and value.isdigit():
            implied.confidence = int(value)
        elif key == "version":
            implied.version = value
    return implied


def _keyed_items(tech: str, fname: str, raw: Any) -> Iterator[tuple[str, Any]]:
    if raw is None:
        return
    if not isinstance(raw, dict):
        raise SignatureError(tech, f"{fname} must be an object of name -> pattern")
    for key, value in raw.items():
        for p in as_list(value):
            yield (key.upper() if fname == "dns" else key), p


def _dom_items(tech: str, raw: Any) -> Iterator[tuple[str, Any]]:
    if raw is None:
        return
    if isinstance(raw, str | list):
        for selector in as_list(raw):
            yield str(selector), None
    elif isinstance(raw, dict):
        yield from raw.items()
    else:
        raise SignatureError(tech, "dom must be a selector, a list or an object")


def dom_rule(tech: str, selector: str, spec: Any) -> DomRule:
    """Compile one `dom` entry; `spec` None means "an element matches"."""
    try:
        xpath = etree.XPath(_TRANSLATOR.css_to_xpath(selector))
    except (SelectorError, etree.XPathError) as exc:
        raise SignatureError(tech, f"dom selector {selector!r} does not compile: {exc}") from exc
    rule = DomRule(tech=tech, selector=selector, xpath=xpath)
    if not isinstance(spec, dict):
        return rule
    rule.exists = "exists" in spec
    if rule.exists and spec["exists"]:
        rule.exists_confidence = parse(tech, "dom", spec["exists"], key=selector).confidence
    if "text" in spec:
        rule.text = parse(tech, "dom", spec["text"], key=selector)
    for attr, pattern in (spec.get("attributes") or {}).items():
        rule.attributes[attr] = parse(tech, "dom", pattern, key=f"{selector} @{attr}")
    for prop, pattern in (spec.get("properties") or {}).items():
        rule.properties[prop] = parse(tech, "dom", pattern, key=f"{selector} .{prop}")
    if not (rule.text or rule.attributes or rule.properties):
        rule.exists = True
    return rule
