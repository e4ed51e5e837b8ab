"""When a browser render of the home page pays: the `auto` policy, as a pure function.

A render costs ~25x a static fetch in CPU (NOTES: ~150 ms against ~6 ms per page), so `auto`
renders only when the static result says the browser will see more:

* `shell`: an application shell, i.e. little server-rendered text while scripts build the page;
* `loader`: a tag manager or loader (Tag managers, Customer data platform) was found but almost
  nothing of what such loaders inject (analytics, ads, replay, chat, testing...) was;
* `scripts`: the page runs many scripts, several from third-party hosts no detection explains.

Every decision, render or not, comes with a sentence saying why, recorded in the result.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from crawler.domains import registered_domain
from detectors.extract import Features, views
from detectors.models import Report
from detectors.snapshot import Page

SHELL_MAX_TEXT = 250
"""Visible characters below which a page with scripts is an application shell."""
LOADER_CATEGORIES = frozenset({"Tag managers", "Customer data platform"})
INJECTED_CATEGORIES = frozenset({
    "Analytics", "Advertising", "Retargeting", "Session replay & heatmaps", "A/B Testing",
    "Live chat", "Marketing automation", "Personalization", "ABM & intent",
})  # fmt: skip
"""What loaders typically inject after scripts run."""
LOADER_MAX_INJECTED = 1
"""With a loader found, render when at most this many injected-category tools were seen."""
SCRIPTS_MIN = 20
SCRIPTS_MIN_UNEXPLAINED_HOSTS = 5
"""Render a page with >= SCRIPTS_MIN scripts (inline or not) that loads scripts from at least
this many hosts of other registered domains that no detection's evidence names. On the 351
corpus pages: 3 hosts would render 22 % of them, 5 hosts 9 %."""


@dataclass(frozen=True, slots=True)
class Decision:
    render: bool
    rule: str
    """`shell`, `loader`, `scripts`, `always`, or `static` (no render)."""
    reason: str


def decide(page: Page, report: Report) -> Decision:
    """Whether `auto` renders `page`, given the static detections on it."""
    feats = Features(views(page)[0])
    scripts = len(feats.script_srcs) + len(feats.inline_scripts)
    text = len(feats.text)
    if scripts and text < SHELL_MAX_TEXT:
        return Decision(True, "shell", f"application shell: {text} characters of server-rendered "
                        f"text and {scripts} scripts")  # fmt: skip
    loaders = [d.name for d in report.technologies if LOADER_CATEGORIES & set(d.categories)]
    injected = [d.name for d in report.technologies if INJECTED_CATEGORIES & set(d.categories)]
    if loaders and len(injected) <= LOADER_MAX_INJECTED:
        seen = f"only {', '.join(injected)}" if injected else "nothing"
        return Decision(True, "loader", f"{', '.join(loaders)} loads tools after scripts run, "
                        f"and {seen} of what it injects was seen statically")  # fmt: skip
    if scripts >= SCRIPTS_MIN:
        unexplained = _unexplained_hosts(page.url, feats.script_srcs, report)
        if len(unexplained) >= SCRIPTS_MIN_UNEXPLAINED_HOSTS:
            return Decision(True, "scripts", f"{scripts} scripts, {len(unexplained)} third-party "
                            f"script hosts no detection explains ({', '.join(unexplained[:3])}...)")  # fmt: skip
    return Decision(False, "static", f"static result sufficient: {text} characters of text, "
                    f"{scripts} scripts, {len(report.technologies)} technologies")  # fmt: skip


def _unexplained_hosts(url: str, script_srcs: list[str], report: Report) -> list[str]:
    """Hosts of other registered domains that scripts load from and no evidence names."""
    own = registered_domain(urlsplit(url).hostname or "")
    hosts = {urlsplit(u).hostname or "" for u in script_srcs}
    third_party = {h for h in hosts if h and registered_domain(h) != own}
    named = " ".join(e.match for d in report.technologies for e in d.evidence)
    return sorted(h for h in third_party if h not in named)
