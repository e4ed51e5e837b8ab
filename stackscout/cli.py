"""The `stackscout` command line. The only module that prints."""

from __future__ import annotations

import contextlib
import json
import logging
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import click

from stackscout import __version__

EXIT_STATUS = {"ok": 0, "partial": 0, "invalid": 2, "unreachable": 3, "robots_disallowed": 4,
               "blocked": 5, "refused": 6, "parked": 7}  # fmt: skip


LOG_LEVEL = "WARNING"


def _setup_logging(verbose: int) -> None:
    """Logging to stderr; crawls hand the same level to Scrapy (see `_crawl_overrides`)."""
    global LOG_LEVEL  # noqa: PLW0603 - set once per process, from the command line
    LOG_LEVEL = ("WARNING", "INFO", "DEBUG")[min(verbose, 2)]
    handler = logging.StreamHandler(sys.stderr)
    handler.setLevel(LOG_LEVEL)  # Scrapy resets the root logger's level; the handler filters
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logging.root.addHandler(handler)
    logging.root.setLevel(LOG_LEVEL)
    if not verbose:
        # "Gave up retrying <GET ...>" for every dead site of a list buried the progress bar;
        # each account's result records its failure with the reason (-v shows them as well).
        logging.getLogger("scrapy.downloadermiddlewares.retry").setLevel(logging.CRITICAL)


def _crawl_overrides(**extra: Any) -> dict[str, Any]:
    """Scrapy logs through the handler above instead of installing its own."""
    return {"LOG_LEVEL": LOG_LEVEL, "LOG_ENABLED": False, **extra}


def _check_signature_files(_ctx: Any, _param: Any, value: tuple[str, ...]) -> tuple[str, ...]:
    """An unreadable signature file stops the command at once (exit 2), not mid-crawl."""
    from detectors.exceptions import SignatureError
    from detectors.signatures import check_readable

    try:
        check_readable(value)
    except SignatureError as exc:
        raise click.BadParameter(str(exc).removeprefix("-: ")) from None
    return value


signatures_option = click.option(
    "--signatures", "signature_paths", multiple=True, type=click.Path(exists=True),
    callback=_check_signature_files,
    help="Extra signature file or folder in the Wappalyzer schema (repeatable).",
)  # fmt: skip
own_option = click.option(
    "--own/--no-own", "include_own", default=True, show_default=True,
    help="Use the project's own signatures.",
)  # fmt: skip
render_option = click.option(
    "--render", type=click.Choice(["auto", "always", "never"]), default="auto", show_default=True,
    help="Render the home page in Chromium: auto (when the static result says it pays), "
         "always, never. Without a browser the scan stays static and says so.",
)  # fmt: skip
confidence_option = click.option(
    "--min-confidence", default=50, show_default=True, type=click.IntRange(0, 100),
    help="Report technologies at or above this confidence.",
)  # fmt: skip


def _check_dns_server(_ctx: Any, _param: Any, value: str | None) -> str | None:
    from crawler.config import parse_servers

    if value:
        try:
            parse_servers(value)
        except ValueError as exc:
            raise click.BadParameter(str(exc)) from exc
    return value


def dns_options(fn: Any) -> Any:
    """`--dns-server HOST[:PORT]` and `--dns/--no-dns`, shared by scan, enrich and worker."""
    fn = click.option(
        "--dns-server", default=None, metavar="HOST[:PORT]", callback=_check_dns_server,
        help="Nameserver for the DNS lookups (comma-separated for several; an IP address). "
             "Default: $STACKSCOUT_DNS_SERVER, else the system resolver.",
    )(fn)  # fmt: skip
    return click.option(
        "--dns/--no-dns", "dns_enabled", default=True, show_default=True,
        help="Look up the accounts' DNS records (MX, SPF, TXT, DMARC, subdomain CNAMEs...).",
    )(fn)  # fmt: skip


def _dns_settings(dns_server: str | None, dns_enabled: bool) -> dict[str, Any]:
    settings: dict[str, Any] = {"STACKSCOUT_DNS_ENABLED": dns_enabled}
    if dns_server:
        settings["STACKSCOUT_DNS_SERVER"] = dns_server
    return settings


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="stackscout")
@click.option("-v", "--verbose", count=True, help="More logging (-v info, -vv debug).")
def main(verbose: int) -> None:
    """Stackscout: what a company's website runs, explained, for account-based marketing."""
    _setup_logging(verbose)


# -- scan ---------------------------------------------------------------------------------


@main.command()
@click.argument("url")
@click.option(
    "--json", "as_json", is_flag=True, help="Print one JSON document (docs/scan.schema.json)."
)
@click.option("--pages", default=4, show_default=True, type=click.IntRange(0, 50),
              help="Telling pages (pricing, careers, ...) fetched besides the home page.")  # fmt: skip
@render_option
@signatures_option
@own_option
@confidence_option
@dns_options
def scan(
    url: str, as_json: bool, pages: int, render: str, signature_paths: tuple[str, ...],
    include_own: bool, min_confidence: int, dns_server: str | None, dns_enabled: bool,
) -> None:  # fmt: skip
    """Scan one website and show what it runs, grouped by category, with evidence.

    Besides the pages, the domain's DNS (mail provider, SPF senders, verified vendors, DMARC,
    subdomain CNAMEs) and the TLS certificate are read, and the site is audited (HTTPS,
    security headers, SEO basics, speed, third parties); each has its own section.
    """
    from crawler.run import scan as run_scan
    from enrich.documents import scan_document

    overrides = _crawl_overrides(
        **_scan_settings(pages, signature_paths, include_own, render),
        STACKSCOUT_MIN_CONFIDENCE=min_confidence,
        **_dns_settings(dns_server, dns_enabled),
    )
    capture = run_scan(url, overrides)
    doc = scan_document(capture)
    if as_json:
        click.echo(json.dumps(doc, indent=2, ensure_ascii=False))
    else:
        from stackscout.render import print_scan

        print_scan(doc)
    sys.exit(EXIT_STATUS.get(doc["status"], 1))


# -- detect -------------------------------------------------------------------------------


@main.command()
@click.argument("path", type=click.Path(exists=True, path_type=Path))
@click.option("--url", default="", help="The URL of a single saved HTML file.")
@click.option(
    "--out", type=click.Path(dir_okay=False, path_type=Path), help="Output file (JSON lines)."
)
@signatures_option
@own_option
@confidence_option
def detect(
    path: Path, url: str, out: Path | None, signature_paths: tuple[str, ...], include_own: bool,
    min_confidence: int,
) -> None:  # fmt: skip
    """Detect technologies in saved pages: an HTML file, a corpus folder, a HAR or a WARC file.

    Writes one JSON line per page; no network is used.
    """
    from detectors.loaders import iter_saved

    detector = _detector(signature_paths, include_own, min_confidence)
    pages = list(iter_saved(path, url))
    stream = out.open("w", encoding="utf-8") if out else sys.stdout
    try:
        with _progress(len(pages), "detecting", enabled=out is not None) as advance:
            for saved in pages:
                report = detector.detect_page(saved.page)
                line = {
                    "page": saved.id,
                    "url": saved.page.url,
                    "technologies": [_slim(d.to_dict()) for d in report.technologies],
                    "seconds": round(report.seconds, 6),
                }
                stream.write(json.dumps(line, ensure_ascii=False) + "\n")
                advance()
    finally:
        if out:
            stream.close()


def _slim(d: dict[str, Any]) -> dict[str, Any]:
    keys = ("name", "version", "categories", "confidence", "evidence", "implied_by", "render_only")
    return {k: d[k] for k in keys}


def _detector(paths: tuple[str, ...], include_own: bool, min_confidence: int) -> Any:
    from detectors.engine import Detector

    detector = Detector.load(
        paths, include_own=include_own, min_confidence=min_confidence, on_error="report"
    )
    for error in detector.sigs.errors:
        click.echo(f"warning: signature left out: {error}", err=True)
    return detector


class _progress:
    """A progress bar on stderr when it is a terminal (done/total, rate, ETA and, for
    batches, how many did not end ok); a no-op otherwise. Entering gives `advance(failed=False)`."""

    def __init__(self, total: int, label: str, *, enabled: bool = True) -> None:
        self.total, self.label = total, label
        self.enabled = enabled and sys.stderr.isatty()
        self._bar: Any = None

    def __enter__(self) -> Any:
        if not self.enabled:
            return lambda failed=False: None
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeRemainingColumn,
        )

        self._bar = Progress(
            TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
            TextColumn("{task.fields[rate]}"), TextColumn("ETA"), TimeRemainingColumn(),
            TextColumn("{task.fields[failed]}"), console=_stderr_console(),
        )  # fmt: skip
        self._bar.start()
        task = self._bar.add_task(self.label, total=self.total, rate="", failed="")
        failures = [0]

        def advance(failed: bool = False) -> None:
            failures[0] += failed
            self._bar.advance(task)
            state = self._bar.tasks[0]  # the rate since the start: rich's own speed is jumpy
            speed = state.completed / state.elapsed if state.elapsed else 0.0
            self._bar.update(task, rate=f"{speed:.1f}/s" if speed else "",
                             failed=f"{failures[0]} not ok" if failures[0] else "")  # fmt: skip

        return advance

    def __exit__(self, *exc: object) -> None:
        if self._bar is not None:
            self._bar.stop()


def _stderr_console() -> Any:
    from rich.console import Console

    return Console(stderr=True)


# -- signatures ---------------------------------------------------------------------------


@main.group()
def signatures() -> None:
    """List, search, validate and debug signatures."""


@signatures.command("list")
@click.argument("query", required=False, default="")
@click.option("--category", default="", help="Only technologies of this category (name).")
@signatures_option
@own_option
@click.option("--json", "as_json", is_flag=True)
def signatures_list(
    query: str, category: str, signature_paths: tuple[str, ...], include_own: bool, as_json: bool
) -> None:
    """List technologies, optionally those whose name, vendor or description matches QUERY."""
    from detectors import signatures as sig

    sigs = sig.load(signature_paths, include_own=include_own, on_error="report")
    rows: list[dict[str, Any]] = []
    for tech in sorted(sigs.technologies.values(), key=lambda t: t.name.lower()):
        cats = sigs.category_names(tech)
        text = f"{tech.name} {tech.vendor} {tech.description}".lower()
        if query and query.lower() not in text:
            continue
        if category and category.lower() not in (c.lower() for c in cats):
            continue
        rows.append({"name": tech.name, "categories": cats, "vendor": tech.vendor,
                     "website": tech.website, "saas": tech.saas, "pricing": tech.pricing,
                     "description": tech.description})  # fmt: skip
    if as_json:
        click.echo(json.dumps(rows, indent=2, ensure_ascii=False))
        return
    for r in rows:
        click.echo(f"{r['name']:<36} {', '.join(r['categories']):<40} {r['vendor']}")
    click.echo(f"{len(rows)} technologies", err=True)


@signatures.command("categories")
@click.option("--core", is_flag=True, help="Only the core categories used for gap reports.")
def signatures_categories(core: bool) -> None:
    """List the category taxonomy with technology counts."""
    from detectors import signatures as sig

    sigs = sig.load(on_error="report")
    counts: dict[int, int] = {}
    for tech in sigs.technologies.values():
        for c in tech.cats:
            counts[c] = counts.get(c, 0) + 1
    for cat in sorted(sigs.categories.values(), key=lambda c: c.name.lower()):
        if core and not cat.core:
            continue
        flag = "core" if cat.core else ""
        click.echo(f"{cat.id:>5}  {cat.name:<32} {flag:<5} {counts.get(cat.id, 0):>4}")


@signatures.command("validate")
@click.argument("paths", nargs=-1, type=click.Path(exists=True))
@click.option("--strict/--lenient", default=None,
              help="RE2-only patterns and resolvable references (default: strict for own files).")  # fmt: skip
def signatures_validate(paths: tuple[str, ...], strict: bool | None) -> None:
    """Compile every pattern of signature files and report errors and duplicates.

    With no PATHS, validates the project's own signatures. Exits 1 on any error.
    """
    from detectors import signatures as sig
    from detectors.engine import Detector
    from detectors.exceptions import SignatureError

    own = not paths
    strict = own if strict is None else strict
    try:
        sigs = sig.load(paths, include_own=own, on_error="report")
    except SignatureError as exc:
        click.echo(f"error: {str(exc).removeprefix('-: ')}", err=True)
        sys.exit(1)
    problems = list(sigs.errors)
    if strict:
        problems += list(sig.check_references(sigs))
        problems += [f"{p.tech}: {p.field} pattern {p.source!r} is not RE2 syntax"
                     for t in sigs.technologies.values() for p in t.patterns if p.engine != "re2"]  # fmt: skip
    problems += [f"{name}: defined in {a} and again in {b}" for name, a, b in sigs.duplicates]
    for tech in sigs.technologies.values():
        if not tech.cats:
            problems.append(f"{tech.name}: no category")
    Detector(sigs)  # builds every prefilter: proves the set compiles as a whole
    n_patterns = sum(len(t.patterns) + len(t.dom) for t in sigs.technologies.values())
    for p in problems:
        click.echo(f"error: {p}", err=True)
    click.echo(
        f"{len(sigs.technologies)} technologies, {n_patterns} patterns, "
        f"{len(sigs.files)} files, {len(problems)} problems"
    )
    sys.exit(1 if problems else 0)


@signatures.command("explain")
@click.argument("path", type=click.Path(exists=True, path_type=Path))
@click.option("--url", default="", help="URL of a single saved HTML file.")
@click.option("--tech", "only", default="", help="Only this technology.")
@signatures_option
@own_option
def signatures_explain(
    path: Path, url: str, only: str, signature_paths: tuple[str, ...], include_own: bool
) -> None:
    """Show which signatures matched a saved page, and why (for debugging false positives)."""
    from detectors.loaders import iter_saved

    detector = _detector(signature_paths, include_own, 0)
    for saved in iter_saved(path, url):
        report = detector.detect_page(saved.page)
        click.echo(f"== {saved.id}  {saved.page.url}")
        for d in report.technologies:
            if only and d.name.lower() != only.lower():
                continue
            below = "  (below the default threshold)" if d.confidence < 50 else ""
            click.echo(f"{d.name}  [{', '.join(d.categories)}]  confidence {d.confidence}{below}")
            for e in d.evidence:
                key = f"[{e.key}]" if e.key else ""
                click.echo(f"    {e.source:<7} {e.field}{key} ~ /{e.pattern}/ "
                           f"(+{e.confidence}) matched {e.match!r}")  # fmt: skip
            if d.implied_by:
                click.echo(f"    implied by {', '.join(d.implied_by)}")


# -- batch enrichment, queue and database ------------------------------------------------

db_option = click.option(
    "--db", "db_uri", envvar="MONGODB_URI", default=None,
    help="MongoDB URI (env MONGODB_URI). Default: the embedded server, started on demand.",
)  # fmt: skip
scrapy_set_option = click.option(
    "-s", "--set", "scrapy_set", multiple=True, metavar="NAME=VALUE",
    help="Override a Scrapy setting of the crawl, as `scrapy crawl -s` does (repeatable), "
         "e.g. -s DOWNLOAD_DELAY=0 -s CONCURRENT_REQUESTS=128.",
)  # fmt: skip


profile_option = click.option(
    "--profile", "profile_paths", multiple=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="ICP profile (TOML, docs/profiles.md): score each account right after its scan "
         "(repeatable).",
)  # fmt: skip


def _profiles(paths: tuple[Path, ...], signature_paths: tuple[str, ...] = ()) -> list[Any]:
    """Load and validate profiles; a bad one stops the command (exit 2) before any work."""
    from enrich.profiles import ProfileError, load_profiles

    try:
        profiles = load_profiles(paths, signature_paths)
    except ProfileError as exc:
        click.echo(f"error: invalid profile\n{exc}", err=True)
        sys.exit(2)
    for profile in profiles:
        for warning in profile.warnings:
            click.echo(f"warning: {warning}", err=True)
    return profiles


def _score_after_writes(store: Any, profiles: list[Any]) -> None:
    if profiles:
        from enrich.fitstore import scoring_hook

        store.after_write = scoring_hook(store.db, profiles)


def _parse_set(items: tuple[str, ...]) -> dict[str, str]:
    """`NAME=VALUE` pairs; values stay strings (Scrapy's getint/getfloat/getbool parse them)."""
    settings: dict[str, str] = {}
    for item in items:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise click.BadParameter(f"expected NAME=VALUE, got {item!r}", param_hint="-s/--set")
        settings[name.strip()] = value
    return settings


EXIT_DB_UNAVAILABLE = 75
"""sysexits' EX_TEMPFAIL: the database stayed away longer than --db-wait; run again later."""
EXIT_UNFINISHED = 1
"""The crawl ended with accounts of the batch still queued; running it again resumes."""

db_wait_option = click.option(
    "--db-wait", type=click.FloatRange(0), default=300.0, show_default=True,
    envvar="STACKSCOUT_DB_WAIT",
    help="Seconds to ride out a database outage (server restarted, failing over) before "
         "stopping; a re-run resumes where it stopped. Env STACKSCOUT_DB_WAIT.",
)  # fmt: skip


def _store(db_uri: str | None, db_wait: float = 300.0) -> Any:
    from enrich.db import connect
    from enrich.dbretry import Patience
    from enrich.store import Store

    return Store(connect(db_uri), patience=Patience(budget=db_wait))


@contextlib.contextmanager
def _outage_stops_cleanly() -> Iterator[None]:
    """A database outage beyond --db-wait: a message and exit status 75, no traceback."""
    from enrich.dbretry import DatabaseUnavailable

    try:
        yield
    except DatabaseUnavailable as exc:
        click.echo(f"error: {exc}. Stopped: every committed result is kept; accounts still in "
                   "progress are scanned again when you run the same command again.", err=True)  # fmt: skip
        sys.exit(EXIT_DB_UNAVAILABLE)


@contextlib.contextmanager
def _working_store(db_uri: str | None, db_wait: float, profiles: Any) -> Iterator[Any]:
    """The store of a batch or worker: recovered from any killed run, scoring its writes for
    `profiles`; an outage past --db-wait ends the command with exit status 75."""
    from enrich.batch import prepare

    with _outage_stops_cleanly():
        store = _store(db_uri, db_wait)
        prepare(store)
        _score_after_writes(store, profiles)
        yield store


@main.command()
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@db_option
@db_wait_option
@render_option
@click.option("--refresh-days", default=7.0, show_default=True, type=click.FloatRange(0),
              help="Skip accounts scanned within this many days.")  # fmt: skip
@click.option("--rejects", type=click.Path(dir_okay=False, path_type=Path),
              help="Where to write rejected rows (default: <input>.rejects.csv).")  # fmt: skip
@click.option("--pages", default=4, show_default=True, type=click.IntRange(0, 50))
@signatures_option
@own_option
@dns_options
@scrapy_set_option
@profile_option
def enrich(
    path: Path, db_uri: str | None, db_wait: float, render: str, refresh_days: float,
    rejects: Path | None, pages: int, signature_paths: tuple[str, ...], include_own: bool,
    dns_server: str | None, dns_enabled: bool, scrapy_set: tuple[str, ...],
    profile_paths: tuple[Path, ...],
) -> None:  # fmt: skip
    """Crawl every account of a CSV/JSONL list and write the technographics to MongoDB.

    Re-running the same list resumes it: accounts scanned within --refresh-days are skipped.
    If the database goes away for longer than --db-wait, the run stops with exit status 75.
    """
    from datetime import timedelta

    from enrich.batch import enqueue_file

    started = time.monotonic()
    overrides = _crawl_overrides(**{**_scan_settings(pages, signature_paths, include_own, render),
                                    **_dns_settings(dns_server, dns_enabled),
                                    **_parse_set(scrapy_set)})  # fmt: skip
    with _working_store(db_uri, db_wait, _profiles(profile_paths, signature_paths)) as store:
        summary = enqueue_file(store, path, refresh=timedelta(days=refresh_days),
                               rejects_path=rejects)  # fmt: skip
        click.echo(f"{summary.rows} rows: {summary.queued} to scan, {summary.fresh} scanned within "
                   f"{refresh_days:g} days (skipped), {summary.rejected} rejected"
                   + (f" -> {summary.rejects_file}" if summary.rejects_file else ""), err=True)  # fmt: skip
        counts, pages_fetched = _run_batch(store, summary, overrides)
    elapsed = time.monotonic() - started
    done = sum(counts.values())
    click.echo(f"done: {done} accounts in {elapsed:.1f}s ({done / max(elapsed, 1e-9):.1f}/s); "
               + ", ".join(f"{k} {v}" for k, v in sorted(counts.items()))
               + f"; {pages_fetched} pages; {store.stats.writes} database writes", err=True)  # fmt: skip


def _run_batch(store: Any, summary: Any, overrides: dict[str, Any]) -> tuple[dict[str, int], int]:
    """Work the batch's queue with a progress bar: (accounts by status, pages fetched)."""
    from crawler.items import GOOD_STATUSES
    from enrich.batch import WorkOptions, work

    counts: dict[str, int] = {}
    fetched = [0]
    if not summary.queued:  # nothing due: no crawler (and no reactor start-up) at all
        return counts, 0
    with _progress(summary.queued, "enriching") as advance:

        def on_capture(capture: Any) -> None:
            counts[capture.status] = counts.get(capture.status, 0) + 1
            fetched[0] += len(capture.site.pages)
            advance(failed=capture.status not in GOOD_STATUSES)

        work(store, WorkOptions(batch=summary.batch, on_capture=on_capture, overrides=overrides))
    left = store.remaining(summary.batch)
    if left:  # the crawl ended early (a stop signal, a crash): never report a short batch as done
        click.echo(f"error: the crawl stopped with {left} accounts of this list not scanned yet "
                   "(see the log above); every result so far is kept: run the same command "
                   "again to scan the rest.", err=True)  # fmt: skip
        sys.exit(EXIT_UNFINISHED)
    return counts, fetched[0]


def _scan_settings(
    pages: int, signature_paths: tuple[str, ...], include_own: bool, render: str
) -> dict[str, Any]:
    return {
        "STACKSCOUT_PAGE_BUDGET": pages,
        "STACKSCOUT_SIGNATURES": list(signature_paths),
        "STACKSCOUT_INCLUDE_OWN_SIGNATURES": include_own,
        "STACKSCOUT_RENDER": render,
    }


@main.command()
@db_option
@db_wait_option
@render_option
@click.option("--claim-size", default=100, show_default=True, type=click.IntRange(1, 1000),
              help="Accounts claimed at a time (held under one lease, crawled 64 at a time).")  # fmt: skip
@click.option("--poll", default=5.0, show_default=True, help="Seconds between polls when idle.")
@click.option("--max-accounts", type=int, default=None, help="Stop after this many accounts.")
@click.option("--pages", default=4, show_default=True, type=click.IntRange(0, 50))
@signatures_option
@own_option
@dns_options
@scrapy_set_option
@profile_option
def worker(
    db_uri: str | None, db_wait: float, render: str, claim_size: int, poll: float,
    max_accounts: int | None, pages: int, signature_paths: tuple[str, ...], include_own: bool,
    dns_server: str | None, dns_enabled: bool, scrapy_set: tuple[str, ...],
    profile_paths: tuple[Path, ...],
) -> None:  # fmt: skip
    """Run a long-lived enrichment worker on the accounts queue (any number may share it)."""
    from enrich.batch import WorkOptions, work

    overrides = _crawl_overrides(**{**_scan_settings(pages, signature_paths, include_own, render),
                                    **_dns_settings(dns_server, dns_enabled),
                                    **_parse_set(scrapy_set)})  # fmt: skip
    with _working_store(db_uri, db_wait, _profiles(profile_paths, signature_paths)) as store:
        click.echo(f"worker {store.worker} on {store.db.name}: waiting for accounts", err=True)
        opts = WorkOptions(claim_size=claim_size, poll_s=poll, stop_after=max_accounts,
                           overrides=overrides)  # fmt: skip
        work(store, opts)


@main.command()
@click.argument("items", nargs=-1)
@click.option("--file", "path", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="A CSV/JSONL account list.")  # fmt: skip
@db_option
@click.option("--batch", default="manual", show_default=True, help="Batch label for the queue.")
@click.option("--refresh-days", default=0.0, show_default=True, type=click.FloatRange(0))
def enqueue(
    items: tuple[str, ...], path: Path | None, db_uri: str | None, batch: str, refresh_days: float
) -> None:
    """Queue accounts (domains/URLs, or a list file) for workers, without crawling."""
    from datetime import timedelta

    from enrich.accounts import Account, normalise
    from enrich.batch import enqueue_file, prepare

    store = _store(db_uri)
    prepare(store)
    refresh = timedelta(days=refresh_days)
    if path:
        summary = enqueue_file(store, path, refresh=refresh)
        click.echo(f"{summary.queued} queued, {summary.fresh} fresh, {summary.rejected} rejected")
    accounts = []
    for n, item in enumerate(items, 1):
        acc = normalise(n, {"website": item})
        if isinstance(acc, Account):
            accounts.append(acc)
        else:
            click.echo(f"rejected {item!r}: {acc.reason}", err=True)
    if accounts:
        result = store.enqueue(accounts, batch=batch, refresh=refresh, source="cli")
        click.echo(f"{result.queued} queued, {result.fresh} fresh")


@main.command()
@db_option
@click.option(
    "--format", "fmt", type=click.Choice(["csv", "jsonl"]), default="csv", show_default=True
)
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="Default: stdout.")
def export(db_uri: str | None, fmt: str, out: Path | None) -> None:
    """Export stored accounts as CSV (flat, CRM-import friendly) or JSONL."""
    from enrich.export import write_export

    store = _store(db_uri)
    stream = out.open("w", encoding="utf-8", newline="") if out else sys.stdout
    try:
        n = write_export(store.accounts.find({}, {"outbox": 0}), stream, fmt)
    finally:
        if out:
            stream.close()
    click.echo(f"{n} accounts exported", err=True)


# -- fit scoring, account selection, report ------------------------------------------------


@main.command()
@click.option("--profile", "profile_paths", multiple=True, required=True,
              type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="ICP profile (TOML, docs/profiles.md); repeatable.")  # fmt: skip
@db_option
@signatures_option
def score(
    profile_paths: tuple[Path, ...], db_uri: str | None, signature_paths: tuple[str, ...]
) -> None:
    """Score every stored account for ICP profiles and write `fit.<profile id>` (no network)."""
    from enrich.fitstore import score_stored

    profiles = _profiles(profile_paths, signature_paths)
    store = _store(db_uri)
    summary = score_stored(store.db, profiles)
    for p in summary.profiles.values():
        tiers = ", ".join(f"{t} {p.tiers.get(t, 0)}" for t in ("1:1", "1:few", "1:many", "none"))
        click.echo(f"{p.profile} v{p.version}: {p.scored} accounts scored: {tiers} "
                   f"({p.disqualified} disqualified, {p.clusters} in clusters)")  # fmt: skip
    click.echo(f"{summary.accounts} accounts in {summary.seconds:.2f}s", err=True)


def _profile_id(value: str | None) -> str | None:
    """`--profile` of `accounts`: a profile file (its id is read) or a stored profile id."""
    if not value or not Path(value).is_file():
        return value
    return str(_profiles((Path(value),))[0].id)


def _since(value: str | None) -> Any:
    if value is None:
        return None
    from datetime import datetime, timedelta

    if value.endswith("d") and value[:-1].isdigit():
        from enrich.fit import utcnow

        return utcnow() - timedelta(days=int(value[:-1]))
    try:
        return datetime.fromisoformat(value).replace(tzinfo=None)
    except ValueError:
        raise click.BadParameter(f"expected a date (2026-11-01) or days (30d), got {value!r}",
                                 param_hint="--changed-since") from None  # fmt: skip


@main.command()
@click.option("--profile", default=None, help="Profile id or file: show and filter its fit.")
@click.option("--tier", type=click.Choice(["1:1", "1:few", "1:many", "none"]), default=None)
@click.option("--tech", "technology", default=None, help="Accounts running this technology.")
@click.option("--gap", default=None, help="Accounts with nothing found in this core category.")
@click.option("--trigger", default=None,
              help="Accounts with this trigger signal (migration, tool_added, ...).")  # fmt: skip
@click.option("--changed-since", default=None,
              help="Technology changes at or after a date (2026-11-01) or in the last N days (30d).")  # fmt: skip
@click.option("--min-score", type=click.IntRange(0, 100), default=None)
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "jsonl"]), default="table",
              show_default=True)  # fmt: skip
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="Default: stdout.")
@click.option("--limit", type=click.IntRange(1), default=None, help="At most this many accounts.")
@db_option
def accounts(
    profile: str | None, tier: str | None, technology: str | None, gap: str | None,
    trigger: str | None, changed_since: str | None, min_score: int | None, fmt: str,
    out: Path | None, limit: int | None, db_uri: str | None,
) -> None:  # fmt: skip
    """List stored accounts, filtered, as a table or CSV/JSONL (CRM imports, ad audiences)."""
    from enrich.selection import Filters, find_accounts, iter_rows, write_rows

    pid = _profile_id(profile)
    if (tier or trigger or min_score is not None) and not pid:
        raise click.UsageError("--tier, --trigger and --min-score need --profile")
    filters = Filters(pid, tier, technology, gap, trigger, _since(changed_since), min_score)
    docs = find_accounts(_store(db_uri).db, filters)[:limit]
    if fmt == "table" and out is None:
        from stackscout.render import print_accounts

        print_accounts(list(iter_rows(docs, pid)), with_fit=pid is not None)
    else:
        stream = out.open("w", encoding="utf-8", newline="") if out else sys.stdout
        try:
            write_rows(docs, pid, stream, "csv" if fmt == "table" else fmt)
        finally:
            if out:
                stream.close()
    click.echo(f"{len(docs)} accounts", err=True)


@main.command()
@click.option("--profile", "profile_path", required=True,
              type=click.Path(exists=True, dir_okay=False, path_type=Path))  # fmt: skip
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=Path("report.html"),
              show_default=True, help="HTML file; the PNG charts are written beside it.")  # fmt: skip
@click.option("--top", default=25, show_default=True, type=click.IntRange(1, 1000))
@db_option
@signatures_option
def report(
    profile_path: Path, out: Path, top: int, db_uri: str | None, signature_paths: tuple[str, ...]
) -> None:
    """Write a self-contained HTML report (and PNG charts) of the stored fit for a profile."""
    from enrich.report import collect, write_report

    profile = _profiles((profile_path,), signature_paths)[0]
    data = collect(_store(db_uri).db, profile, top=top)
    if data.stale:
        click.echo(f"warning: {len(data.stale)} accounts have no fit for {profile.id} version "
                   f"{profile.version}: run `stackscout score --profile {profile_path}`", err=True)  # fmt: skip
    for path in write_report(data, out):
        click.echo(str(path))


# -- the service ---------------------------------------------------------------------------


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on. Anything but localhost needs API tokens.")  # fmt: skip
@click.option("--port", default=8787, show_default=True, type=click.IntRange(0, 65535),
              help="Port (0: any free port, printed at start).")  # fmt: skip
@click.option("--token", "tokens", multiple=True, metavar="TOKEN",
              help="API token (repeatable; also $STACKSCOUT_API_TOKENS, comma-separated).")  # fmt: skip
@profile_option
@render_option
@click.option("--store/--no-store", default=True, show_default=True,
              help="Commit finished scans to MongoDB (accounts, history, fit).")  # fmt: skip
@db_option
@click.option("--pages", default=4, show_default=True, type=click.IntRange(0, 50))
@signatures_option
@own_option
@dns_options
@scrapy_set_option
def serve(
    host: str, port: int, tokens: tuple[str, ...], profile_paths: tuple[Path, ...], render: str,
    store: bool, db_uri: str | None, pages: int, signature_paths: tuple[str, ...],
    include_own: bool, dns_server: str | None, dns_enabled: bool, scrapy_set: tuple[str, ...],
) -> None:  # fmt: skip
    """Serve on-demand scans over HTTP (API + web page), safe to expose with tokens.

    Targets that are or resolve to private, loopback, link-local or reserved addresses are
    refused (STACKSCOUT_ALLOW_HOSTS lists host globs to let through). See README "Service".
    """
    from stackscout.service.config import ConfigError, ServeConfig

    overrides = _crawl_overrides(**{**_scan_settings(pages, signature_paths, include_own, render),
                                    **_dns_settings(dns_server, dns_enabled),
                                    **_parse_set(scrapy_set)})  # fmt: skip
    profiles = _profiles(profile_paths, signature_paths)
    try:
        config = ServeConfig.from_env(host=host, port=port, tokens=tokens, store=store,
                                      db_uri=db_uri, crawl=overrides)  # fmt: skip
    except ConfigError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(2)
    from stackscout.service.app import create_app
    from stackscout.service.run import serve as run_service
    from stackscout.service.service import Service

    def ready(url: str) -> None:
        auth = f"{len(config.tokens)} API token(s)" if config.tokens else "no API tokens"
        click.echo(f"stackscout serve: listening on {url} ({auth}; "
                   f"{'storing scans' if store else 'not storing scans'})", err=True)  # fmt: skip

    run_service(lambda: create_app(Service(config, profiles)), host, port, log_level=LOG_LEVEL,
                on_ready=ready)  # fmt: skip


@main.group()
def db() -> None:
    """Manage the embedded MongoDB-compatible server (SecantusDB)."""


@db.command("start")
def db_start() -> None:
    """Start the embedded server (if not running) and print its URI."""
    from enrich import dbserver

    click.echo(dbserver.ensure_running())


@db.command("stop")
def db_stop() -> None:
    """Stop the embedded server."""
    from enrich import dbserver

    click.echo("stopped" if dbserver.stop() else "not running")


@db.command("status")
def db_status() -> None:
    """Show whether the embedded server runs, where its data lives and its URI."""
    from enrich import dbserver

    click.echo(json.dumps(dbserver.status(), indent=2, default=str))
    sys.exit(0 if dbserver.status().get("running") else 3)


@db.command("uri")
def db_uri_cmd() -> None:
    """Print the URI of the running embedded server (for other tools)."""
    from enrich import dbserver

    uri = dbserver.uri()
    if not uri:
        click.echo("the embedded server is not running: `stackscout db start`", err=True)
        sys.exit(3)
    click.echo(uri)


if __name__ == "__main__":  # pragma: no cover
    main()
