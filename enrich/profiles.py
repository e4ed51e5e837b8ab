"""ICP profiles: load and validate the TOML file that says which accounts fit, and why.

A profile is data, not code (format: `docs/profiles.md`, examples: `examples/profiles/`): an
`id`, `name` and `version`, a list of `[[rules]]` and optional `[tiers]`. Everything is checked
once, here, so the scorer (`enrich.fit`) can trust it: every problem names the file, the rule
and what is wrong, and technology or category names that no loaded signature defines are
rejected (with a suggestion), because a misspelt name would silently score nothing.
"""

from __future__ import annotations

import difflib
import json
import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from detectors.signatures import expand_paths, load_taxonomy, own_signature_files

KINDS = ("platform", "technology", "complement", "competitor", "gap", "firmographic", "trigger")
SIGNALS = ("migration", "tool_added", "tool_removed", "competitor_removed", "audit_weakness",
           "stack_grew", "stack_shrank")  # fmt: skip
TIERS = ("1:1", "1:few", "1:many")
DEFAULT_TIERS = {"1:1": 80, "1:few": 60, "1:many": 40}
_COMMON = {"id", "kind", "label", "points"}
_MATCH = {"technologies", "categories"}
_KIND_KEYS: dict[str, set[str]] = {
    "platform": _MATCH | {"required"},
    "technology": _MATCH,
    "complement": _MATCH,
    "competitor": _MATCH | {"action"},
    "gap": {"categories"},
    "firmographic": {"field", "min", "max", "in", "not_in", "contains", "required"},
    "trigger": _MATCH | {"signal", "within_days", "min_change", "audits", "groups"},
}
_TOP_KEYS = {"id", "name", "version", "description", "rules", "tiers"}
_ID = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
AUDIT_GROUPS = ("security", "seo", "performance", "privacy")


class ProfileError(Exception):
    """Raised by `load_profile` when a profile cannot be used; lists every problem found."""

    def __init__(self, path: str, problems: list[str]) -> None:
        self.path, self.problems = path, problems
        super().__init__("\n".join(f"{path}: {p}" for p in problems))


@dataclass(frozen=True, slots=True)
class Rule:
    id: str
    kind: str
    label: str
    """The profile's words for the reason; empty: `default_label` says what matched."""
    points: int
    technologies: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    required: bool = False
    """platform: the account must match (default); firmographic: failing it disqualifies."""
    action: str = "displace"
    """competitor: `displace` (points: an opportunity) or `disqualify`."""
    field: str = ""
    minimum: float | None = None
    maximum: float | None = None
    any_of: tuple[str, ...] = ()
    none_of: tuple[str, ...] = ()
    contains: tuple[str, ...] = ()
    signal: str = ""
    within_days: int = 90
    min_change: int = 3
    audits: tuple[str, ...] = ()
    groups: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Tiers:
    thresholds: dict[str, int] = field(default_factory=lambda: dict(DEFAULT_TIERS))
    value_field: str = ""
    """Input column holding the account value (revenue, ARR...); empty: score alone decides."""
    value_minimums: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Profile:
    id: str
    name: str
    version: str
    rules: tuple[Rule, ...]
    tiers: Tiers = field(default_factory=Tiers)
    description: str = ""
    path: str = ""
    scope: frozenset[str] = frozenset()
    """Categories the profile is about (named by rules, or of the technologies it names):
    the default scope of `tool_added` / `tool_removed` triggers."""
    competitors: frozenset[str] = frozenset()
    warnings: tuple[str, ...] = ()


@dataclass(slots=True)
class Catalog:
    """Technology and category names the loaded signatures define (case-insensitive lookup)."""

    technologies: dict[str, str]
    categories: dict[str, str]
    tech_categories: dict[str, list[str]]

    def tech(self, name: str) -> str | None:
        return self.technologies.get(name.lower())

    def category(self, name: str) -> str | None:
        return self.categories.get(name.lower())


def load_catalog(extra: Iterable[str | Path] = ()) -> Catalog:
    """Names from the project's signature files and any extra ones, without compiling patterns."""
    taxonomy = load_taxonomy()
    by_id = {c.id: c.name for c in taxonomy.values()}
    techs: dict[str, list[str]] = {}
    for path in [*own_signature_files(), *expand_paths(extra)]:
        raw = json.loads(path.read_text(encoding="utf-8"))
        if isinstance(raw.get("technologies"), dict):
            by_id.update({int(k): v["name"] for k, v in (raw.get("categories") or {}).items()})
            raw = raw["technologies"]
        for name, spec in raw.items():
            cats = spec.get("cats", []) if isinstance(spec, dict) else []
            techs.setdefault(name, [by_id.get(c, str(c)) if isinstance(c, int) else str(c)
                                    for c in cats])  # fmt: skip
    return Catalog(
        technologies={n.lower(): n for n in techs},
        categories={n.lower(): n for n in by_id.values()},
        tech_categories=techs,
    )


def load_profile(path: str | Path, catalog: Catalog | None = None) -> Profile:
    """Read and validate one TOML profile; raises `ProfileError` naming every problem."""
    path = Path(path)
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ProfileError(str(path), [f"cannot read the file: {exc.strerror or exc}"]) from exc
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ProfileError(str(path), [f"not valid TOML: {exc}"]) from exc
    return _Builder(str(path), catalog or load_catalog()).build(raw)


class _Builder:
    """Turns the parsed TOML into a `Profile`, collecting problems instead of stopping at one."""

    def __init__(self, path: str, catalog: Catalog) -> None:
        self.path, self.catalog = path, catalog
        self.problems: list[str] = []
        self.warnings: list[str] = []

    def build(self, raw: dict[str, Any]) -> Profile:
        for key in sorted(set(raw) - _TOP_KEYS):
            self.problems.append(f"unknown top-level key {key!r} (expected one of "
                                 f"{', '.join(sorted(_TOP_KEYS))})")  # fmt: skip
        pid = self._text(raw, "id", "profile")
        if pid and not _ID.match(pid):
            self.problems.append(f"profile id {pid!r} must be lower-case letters, digits, '-' "
                                 "or '_' (it becomes a field name: fit.<id>)")  # fmt: skip
        name = self._text(raw, "name", "profile")
        version = raw.get("version")
        if not isinstance(version, int | str) or isinstance(version, bool) or version == "":
            self.problems.append("profile: 'version' is required (a number or a string); "
                                 "raise it whenever you edit the rules")  # fmt: skip
        rules = self._rules(raw.get("rules"))
        tiers = self._tiers(raw.get("tiers", {}))
        if self.problems:
            raise ProfileError(self.path, self.problems)
        self._check_reachable(rules, tiers)
        return Profile(
            id=pid, name=name, version=str(version), rules=tuple(rules), tiers=tiers,
            description=str(raw.get("description", "")), path=self.path,
            scope=frozenset(self._scope(rules)), competitors=frozenset(
                t for r in rules if r.kind == "competitor" for t in r.technologies),
            warnings=tuple(self.warnings),
        )  # fmt: skip

    def _text(self, raw: dict[str, Any], key: str, where: str) -> str:
        value = raw.get(key)
        if not isinstance(value, str) or not value.strip():
            self.problems.append(f"{where}: {key!r} is required (a non-empty string)")
            return ""
        return value.strip()

    # -- rules --------------------------------------------------------------------------

    def _rules(self, raw: Any) -> list[Rule]:
        if not isinstance(raw, list) or not raw:
            self.problems.append("profile: no [[rules]]: a profile needs at least one rule")
            return []
        rules: list[Rule] = []
        seen: set[str] = set()
        for n, item in enumerate(raw, 1):
            rule = self._rule(n, item)
            if rule is None:
                continue
            if rule.id in seen:
                self.problems.append(f"rule {rule.id!r} (#{n}): duplicate rule id")
            seen.add(rule.id)
            rules.append(rule)
        return rules

    def _rule(self, n: int, item: Any) -> Rule | None:
        if not isinstance(item, dict):
            self.problems.append(f"rule #{n}: must be a table ([[rules]])")
            return None
        rid = item.get("id")
        where = f"rule {rid!r} (#{n})" if isinstance(rid, str) and rid else f"rule #{n}"
        before = len(self.problems)
        if not isinstance(rid, str) or not _ID.match(rid):
            self.problems.append(f"{where}: 'id' is required: lower-case letters, digits, "
                                 "'-' or '_'")  # fmt: skip
        kind = item.get("kind")
        if kind not in KINDS:
            self.problems.append(f"{where}: 'kind' must be one of {', '.join(KINDS)}, "
                                 f"got {kind!r}")  # fmt: skip
            return None
        for key in sorted(set(item) - _COMMON - _KIND_KEYS[kind]):
            allowed = ", ".join(sorted(_COMMON | _KIND_KEYS[kind]))
            self.problems.append(f"{where}: unknown key {key!r} for a {kind} rule "
                                 f"(allowed: {allowed})")  # fmt: skip
        points = item.get("points", 0)
        if not isinstance(points, int) or isinstance(points, bool) or not -100 <= points <= 100:
            self.problems.append(f"{where}: 'points' must be a whole number from -100 to 100")
            points = 0
        fields = getattr(self, f"_{kind}")(where, item)
        if len(self.problems) > before:
            return None
        label = item.get("label")
        label = label.strip() if isinstance(label, str) else ""
        return Rule(id=str(rid), kind=kind, label=label, points=points, **fields)

    def _names(self, where: str, item: dict[str, Any], need: bool = True) -> dict[str, Any]:
        techs = [self._tech(where, t) for t in self._strings(where, item, "technologies")]
        cats = [self._category(where, c) for c in self._strings(where, item, "categories")]
        if need and not techs and not cats:
            self.problems.append(f"{where}: give 'technologies' or 'categories' to match")
        return {"technologies": tuple(techs), "categories": tuple(cats)}

    def _strings(self, where: str, item: dict[str, Any], key: str) -> list[str]:
        value = item.get(key, [])
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
            self.problems.append(f"{where}: {key!r} must be a list of names")
            return []
        return list(value)

    def _tech(self, where: str, name: str) -> str:
        found = self.catalog.tech(name)
        if found is None:
            self.problems.append(f"{where}: unknown technology {name!r}"
                                 + _suggest(name, self.catalog.technologies))  # fmt: skip
        return found or name

    def _category(self, where: str, name: str) -> str:
        found = self.catalog.category(name)
        if found is None:
            self.problems.append(f"{where}: unknown category {name!r}"
                                 + _suggest(name, self.catalog.categories))  # fmt: skip
        return found or name

    def _platform(self, where: str, item: dict[str, Any]) -> dict[str, Any]:
        return {**self._names(where, item), "required": self._bool(where, item, "required", True)}

    def _technology(self, where: str, item: dict[str, Any]) -> dict[str, Any]:
        return self._names(where, item)

    _complement = _technology

    def _competitor(self, where: str, item: dict[str, Any]) -> dict[str, Any]:
        action = item.get("action", "displace")
        if action not in ("displace", "disqualify"):
            self.problems.append(f"{where}: 'action' must be 'displace' or 'disqualify', "
                                 f"got {action!r}")  # fmt: skip
        return {**self._names(where, item), "action": action}

    def _gap(self, where: str, item: dict[str, Any]) -> dict[str, Any]:
        cats = [self._category(where, c) for c in self._strings(where, item, "categories")]
        if not cats:
            self.problems.append(f"{where}: a gap rule needs 'categories'")
        return {"categories": tuple(cats)}

    def _firmographic(self, where: str, item: dict[str, Any]) -> dict[str, Any]:
        name = item.get("field")
        if not isinstance(name, str) or not name.strip():
            self.problems.append(f"{where}: 'field' (the input column) is required")
        out: dict[str, Any] = {"field": str(name or "").strip(),
                               "required": self._bool(where, item, "required", False)}  # fmt: skip
        for key, attr in (("min", "minimum"), ("max", "maximum")):
            value = item.get(key)
            if value is not None and (
                not isinstance(value, int | float) or isinstance(value, bool)
            ):
                self.problems.append(f"{where}: {key!r} must be a number")
            out[attr] = None if value is None else float(value)
        for key, attr in (("in", "any_of"), ("not_in", "none_of"), ("contains", "contains")):
            out[attr] = tuple(self._strings(where, item, key))
        if not any(out[a] not in (None, ()) for a in ("minimum", "maximum", "any_of", "none_of",
                                                      "contains")):  # fmt: skip
            self.problems.append(f"{where}: give at least one condition: min, max, in, not_in "
                                 "or contains")  # fmt: skip
        lo, hi = out["minimum"], out["maximum"]
        if lo is not None and hi is not None and lo > hi:
            self.problems.append(f"{where}: 'min' ({lo:g}) is above 'max' ({hi:g})")
        return out

    def _trigger(self, where: str, item: dict[str, Any]) -> dict[str, Any]:
        signal = item.get("signal")
        if signal not in SIGNALS:
            self.problems.append(f"{where}: 'signal' must be one of {', '.join(SIGNALS)}, "
                                 f"got {signal!r}")  # fmt: skip
        out = {**self._names(where, item, need=False), "signal": signal}
        for key, default in (("within_days", 90), ("min_change", 3)):
            value = item.get(key, default)
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                self.problems.append(f"{where}: {key!r} must be a whole number of at least 1")
            out[key] = value
        out["audits"] = tuple(self._strings(where, item, "audits"))
        groups = self._strings(where, item, "groups")
        for g in groups:
            if g not in AUDIT_GROUPS:
                self.problems.append(f"{where}: unknown audit group {g!r} (one of "
                                     f"{', '.join(AUDIT_GROUPS)})")  # fmt: skip
        out["groups"] = tuple(groups)
        return out

    def _bool(self, where: str, item: dict[str, Any], key: str, default: bool) -> bool:
        value = item.get(key, default)
        if not isinstance(value, bool):
            self.problems.append(f"{where}: {key!r} must be true or false")
            return default
        return value

    # -- tiers --------------------------------------------------------------------------

    def _tiers(self, raw: Any) -> Tiers:
        if not isinstance(raw, dict):
            self.problems.append("tiers: must be a table ([tiers])")
            return Tiers()
        thresholds = dict(DEFAULT_TIERS)
        for key in sorted(set(raw) - {*TIERS, "value"}):
            self.problems.append(f"tiers: unknown key {key!r} (expected \"1:1\", \"1:few\", "
                                 "\"1:many\" or [tiers.value])")  # fmt: skip
        for tier in TIERS:
            value = raw.get(tier, thresholds[tier])
            if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= 100:
                self.problems.append(f"tiers: {tier!r} must be a score from 0 to 100")
                continue
            thresholds[tier] = value
        if not thresholds["1:1"] >= thresholds["1:few"] >= thresholds["1:many"]:
            self.problems.append("tiers: thresholds must not increase from \"1:1\" to \"1:few\" "
                                 f"to \"1:many\" (got {thresholds})")  # fmt: skip
        field_name, minimums = self._value_tiers(raw.get("value"))
        return Tiers(thresholds, field_name, minimums)

    def _value_tiers(self, raw: Any) -> tuple[str, dict[str, float]]:
        if raw is None:
            return "", {}
        if not isinstance(raw, dict) or not isinstance(raw.get("field"), str) or not raw["field"]:
            self.problems.append("tiers.value: needs 'field' (the input column with the account "
                                 "value) and minimums per tier")  # fmt: skip
            return "", {}
        minimums: dict[str, float] = {}
        for key, value in raw.items():
            if key == "field":
                continue
            if key not in TIERS or not isinstance(value, int | float) or isinstance(value, bool):
                self.problems.append(f"tiers.value: {key!r} must be one of \"1:1\", \"1:few\", "
                                     "\"1:many\" with a number (the minimum account value)")  # fmt: skip
                continue
            minimums[key] = float(value)
        return raw["field"], minimums

    # -- whole-profile checks -----------------------------------------------------------

    def _check_reachable(self, rules: list[Rule], tiers: Tiers) -> None:
        best = sum(r.points for r in rules if r.points > 0)
        lowest = tiers.thresholds["1:many"]
        if best < lowest:
            self.warnings.append(f"{self.path}: the best possible score is {best}, under the "
                                 f"\"1:many\" threshold ({lowest}): no account can be a target")  # fmt: skip

    def _scope(self, rules: list[Rule]) -> set[str]:
        scope: set[str] = set()
        for rule in rules:
            if rule.kind in ("firmographic", "trigger"):
                continue
            scope.update(rule.categories)
            for tech in rule.technologies:
                scope.update(self.catalog.tech_categories.get(tech, []))
        return scope


def default_label(rule: Rule, matched: Iterable[str] = ()) -> str:
    """A readable reason when the profile gives no `label`: what matched, else what was asked."""
    names = ", ".join(matched) or ", ".join(rule.technologies + rule.categories)
    labels = {
        "platform": f"runs {names}",
        "technology": f"uses {names}",
        "complement": f"uses {names} (complementary)",
        "competitor": f"runs a competitor: {names}",
        "gap": f"no {names} tool found",
        "firmographic": f"{rule.field} in range"
        if rule.minimum is not None or rule.maximum is not None
        else f"{rule.field} matches",
        "trigger": rule.signal.replace("_", " "),
    }
    return labels[rule.kind]


def _suggest(name: str, known: dict[str, str]) -> str:
    close = difflib.get_close_matches(name.lower(), list(known), n=3, cutoff=0.75)
    if not close:
        return " (no signature defines it; see `stackscout signatures list`)"
    return " (did you mean " + " or ".join(repr(known[c]) for c in close) + "?)"


def load_profiles(
    paths: Iterable[str | Path], extra_signatures: Iterable[str] = ()
) -> list[Profile]:
    """Several profiles against one catalog; ids must be distinct."""
    catalog = load_catalog(extra_signatures)
    profiles = [load_profile(p, catalog) for p in paths]
    ids = [p.id for p in profiles]
    for pid in {i for i in ids if ids.count(i) > 1}:
        files = [p.path for p in profiles if p.id == pid]
        raise ProfileError(files[-1], [f"profile id {pid!r} is also used by {files[0]}"])
    return profiles
