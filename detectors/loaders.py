"""Read saved pages into snapshots: an HTML file, a corpus folder, a HAR or a WARC file.

Pure file reading: no network. Bodies are decoded with the charset of the Content-Type header,
else the BOM or `<meta charset>`, else UTF-8 (w3lib's rules, the same as Scrapy's).
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator
from dataclasses import dataclass
from http.cookies import CookieError, SimpleCookie
from pathlib import Path
from typing import Any

from w3lib.encoding import html_to_unicode

from detectors.exceptions import SnapshotError
from detectors.snapshot import Page


@dataclass(slots=True)
class SavedPage:
    id: str
    page: Page


def decode_body(body: bytes, content_type: str = "") -> tuple[str, str]:
    """Return (text, encoding name) for a response body."""
    encoding, text = html_to_unicode(content_type or None, body)
    return text, encoding


def cookies_from_headers(headers: dict[str, str]) -> dict[str, str]:
    """Cookie name -> value from a (newline-joined) Set-Cookie header."""
    out: dict[str, str] = {}
    for line in headers.get("set-cookie", "").splitlines():
        jar: SimpleCookie = SimpleCookie()
        try:
            jar.load(line)
        except CookieError:
            name, _, rest = line.partition("=")
            if name.strip():
                out[name.strip()] = rest.split(";", 1)[0]
            continue
        out.update({k: m.value for k, m in jar.items()})
    return out


def iter_saved(path: Path, url: str = "") -> Iterator[SavedPage]:
    """Every page saved at `path`, whatever the format."""
    if path.is_dir():
        yield from iter_corpus(path)
    elif path.suffix == ".har" or path.name.endswith(".har.json"):
        yield from iter_har(path)
    elif path.name.endswith((".warc", ".warc.gz", ".arc.gz")):
        yield from iter_warc(path)
    elif path.exists():
        yield SavedPage(path.stem, read_html_file(path, url or path.resolve().as_uri()))
    else:
        raise SnapshotError(f"no such file or directory: {path}")


def read_html_file(path: Path, url: str) -> Page:
    raw = path.read_bytes()
    if path.suffix == ".gz":
        raw = gzip.decompress(raw)
    text, encoding = decode_body(raw)
    return Page(url=url, body=text, encoding=encoding, size=len(raw), content_type="text/html")


def iter_corpus(root: Path) -> Iterator[SavedPage]:
    """A folder of `<id>/body.html[.gz]` + `meta.json`, or a folder holding `pages/`."""
    if (root / "pages").is_dir():
        root = root / "pages"
    if (root / "meta.json").exists():
        yield read_corpus_page(root)
        return
    for folder in sorted(p for p in root.iterdir() if p.is_dir()):
        yield read_corpus_page(folder)


def read_corpus_page(folder: Path) -> SavedPage:
    try:
        meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise SnapshotError(f"{folder}: unreadable meta.json: {exc}") from exc
    body_path = folder / "body.html.gz"
    if not body_path.exists():
        body_path = folder / "body.html"
    raw = body_path.read_bytes()
    if body_path.suffix == ".gz":
        raw = gzip.decompress(raw)
    headers = {k.lower(): str(v) for k, v in (meta.get("headers") or {}).items()}
    text, encoding = decode_body(raw, headers.get("content-type", ""))
    cookies = meta.get("cookies") or cookies_from_headers(headers)
    page = Page(
        url=meta.get("url") or folder.resolve().as_uri(),
        status=int(meta.get("status") or 200),
        headers=headers,
        cookies={str(k): str(v) for k, v in cookies.items()},
        body=text,
        encoding=encoding,
        content_type=headers.get("content-type", "text/html"),
        size=len(raw),
        requests=[str(u) for u in meta.get("subrequests") or []],
    )
    return SavedPage(str(meta.get("id") or folder.name), page)


def iter_har(path: Path) -> Iterator[SavedPage]:
    """One page per HAR page entry whose document response holds an HTML body."""
    try:
        log = json.loads(path.read_text(encoding="utf-8"))["log"]
    except (OSError, KeyError, json.JSONDecodeError) as exc:
        raise SnapshotError(f"{path}: not a HAR file: {exc}") from exc
    entries = log.get("entries", [])
    for number, entry in enumerate(entries):
        content = entry.get("response", {}).get("content", {})
        if "html" not in str(content.get("mimeType", "")) or not content.get("text"):
            continue
        page = _har_page(entry, entries)
        yield SavedPage(f"{path.stem}#{number}", page)


def _har_page(entry: dict[str, Any], entries: list[dict[str, Any]]) -> Page:
    response = entry["response"]
    headers: dict[str, str] = {}
    for h in response.get("headers", []):
        name = h["name"].lower()
        sep = "\n" if name == "set-cookie" else ", "
        headers[name] = f"{headers[name]}{sep}{h['value']}" if name in headers else h["value"]
    cookies = {c["name"]: c.get("value", "") for c in response.get("cookies", [])}
    content = response["content"]
    text = content["text"]
    if content.get("encoding") == "base64":
        import base64

        text, _ = decode_body(base64.b64decode(text), headers.get("content-type", ""))
    url = entry["request"]["url"]
    page_ref = entry.get("pageref")
    scripts: list[str] = []
    requests: list[str] = []
    for other in entries:
        if other is entry or (page_ref and other.get("pageref") != page_ref):
            continue
        requests.append(other["request"]["url"])
        kind = str(
            other.get("_resourceType") or other["response"].get("content", {}).get("mimeType", "")
        )
        if "script" in kind:
            scripts.append(other["request"]["url"])
    return Page(
        url=url,
        status=int(response.get("status") or 200),
        headers=headers,
        cookies=cookies or cookies_from_headers(headers),
        body=text,
        content_type=headers.get("content-type", ""),
        size=len(text),
        requests=requests,
        script_requests=scripts,
    )


def iter_warc(path: Path) -> Iterator[SavedPage]:
    """HTML response records of a WARC file (as Common Crawl publishes them)."""
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    try:
        with path.open("rb") as stream:
            for number, record in enumerate(ArchiveIterator(stream)):
                page = _warc_page(record)
                if page is not None:
                    yield SavedPage(f"{path.name}#{number}", page)
    except ArchiveLoadFailed as exc:
        raise SnapshotError(f"{path}: not a WARC file: {exc}") from exc


def _warc_page(record: Any) -> Page | None:
    if record.rec_type != "response" or record.http_headers is None:
        return None
    headers: dict[str, str] = {}
    for name, value in record.http_headers.headers:
        key = name.lower()
        sep = "\n" if key == "set-cookie" else ", "
        headers[key] = f"{headers[key]}{sep}{value}" if key in headers else value
    if "html" not in headers.get("content-type", "html"):
        return None
    raw = record.content_stream().read()
    text, encoding = decode_body(raw, headers.get("content-type", ""))
    status = record.http_headers.get_statuscode()
    return Page(
        url=record.rec_headers.get_header("WARC-Target-URI") or "",
        status=int(status) if status and status.isdigit() else 200,
        headers=headers,
        cookies=cookies_from_headers(headers),
        body=text,
        encoding=encoding,
        content_type=headers.get("content-type", ""),
        size=len(raw),
    )
