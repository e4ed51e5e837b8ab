// Stackscout web page: scan a URL, read stored accounts. No build step, no framework.
// Everything a scanned site controls (evidence, titles...) is set as text, never as HTML.
"use strict";

const OFFSITE = new Set(["dns", "tls"]);
const TIERS = ["1:1", "1:few", "1:many", "none"];
const $ = (id) => document.getElementById(id);

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (key === "class") node.className = value;
    else node.setAttribute(key, value);
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

// -- API ---------------------------------------------------------------------------------

async function api(path, options = {}) {
  const headers = { "Content-Type": "application/json" };
  const token = sessionStorage.getItem("stackscout-token");
  if (token) headers.Authorization = `Bearer ${token}`;
  const response = await fetch(path, { ...options, headers });
  const body = await response.json().catch(() => ({}));
  if (response.status >= 400) {
    const error = new Error(body.detail || `HTTP ${response.status}`);
    error.code = body.error;
    throw error;
  }
  return { status: response.status, body, headers: response.headers };
}

function say(id, text, isError = false) {
  const node = $(id);
  node.textContent = text;
  node.classList.toggle("error", isError);
}

// -- scan view ---------------------------------------------------------------------------

async function scan(event) {
  event.preventDefault();
  const url = $("scan-url").value.trim();
  const render = $("scan-render").value || null;
  $("scan-result").hidden = true;
  $("scan-go").disabled = true;
  say("scan-status", `Scanning ${url}…`);
  try {
    let answer = await api("/api/scans", {
      method: "POST", body: JSON.stringify({ url, wait: 25, render }),
    });
    const id = answer.headers.get("X-Stackscout-Scan") || answer.body.id;
    while (answer.status === 202) {
      say("scan-status", `Still scanning ${url}…`);
      answer = await api(`/api/scans/${encodeURIComponent(id)}?wait=10`);
    }
    showScan(answer.body);
    $("scan-result").dataset.scan = id;
    const cache = answer.headers.get("X-Stackscout-Cache");
    say("scan-status", `Scanned ${answer.body.domain}: ${answer.body.status}` +
        (answer.body.reason ? ` (${answer.body.reason})` : "") +
        (cache === "hit" ? " — cached result" : ""));
    await showFit(id);
  } catch (error) {
    say("scan-status", `Refused or failed: ${error.message}`, true);
  } finally {
    $("scan-go").disabled = false;
  }
}

function splitBySource(doc) {
  const byName = new Map(doc.technologies.map((t) => [t.name, t]));
  const offsite = (t, seen = new Set()) => {
    const sources = new Set(t.evidence.map((e) => e.source).filter((s) => s !== "implied"));
    if (sources.size) return [...sources].every((s) => OFFSITE.has(s));
    const parents = (t.implied_by || []).filter((p) => byName.has(p) && !seen.has(p));
    return parents.length > 0 && parents.every((p) => offsite(byName.get(p), new Set([...seen, t.name])));
  };
  const dns = new Set([...byName.values()].filter((t) => offsite(t)).map((t) => t.name));
  return { byName, dns };
}

function evidenceText(tech, onlyOffsite = false) {
  const items = tech.evidence.filter((e) => !onlyOffsite || OFFSITE.has(e.source)).slice(0, 2);
  const clip = (text, n) => (text.length > n ? `${text.slice(0, n - 1)}…` : text);
  const parts = items.map((e) => `${e.key ? `${e.field}[${e.key}]` : e.field}: ${clip(e.match, 90)}` +
                                 (e.url ? ` — ${clip(e.url, 70)}` : ""));
  if (tech.implied_by && tech.implied_by.length) parts.push(`implied by ${tech.implied_by.join(", ")}`);
  if (tech.render_only) parts.push("seen only in the browser render");
  return parts.join("; ");
}

function techTable(doc, names, onlyOffsite) {
  const rows = [];
  for (const [category, members] of Object.entries(doc.categories)) {
    members.filter((n) => names.has(n)).forEach((name, i) => {
      const t = doc.technologies.find((x) => x.name === name);
      rows.push(el("tr", { "data-tech": name }, el("td", {}, i === 0 ? category : ""),
        el("td", {}, el("b", {}, name), t.version ? ` ${t.version}` : ""),
        el("td", {}, String(t.confidence)),
        el("td", { class: "ev" }, evidenceText(t, onlyOffsite))));
    });
  }
  if (!rows.length) return el("p", {}, "Nothing detected.");
  return el("table", {}, el("thead", {}, el("tr", {}, el("th", {}, "Category"),
    el("th", {}, "Technology"), el("th", {}, "Conf."), el("th", {}, "Evidence"))),
    el("tbody", {}, rows));
}

function showScan(doc) {
  const { byName, dns } = splitBySource(doc);
  const site = new Set([...byName.keys()].filter((n) => !dns.has(n)));
  $("summary").replaceChildren(el("b", {}, doc.domain), ` — status `, el("b", {}, doc.status),
    doc.reason ? ` (${doc.reason})` : "", el("br"), `final URL ${doc.final_url || "—"}; pages: `,
    doc.pages.map((p) => `${p.kind} ${p.status}`).join(", ") || "none",
    doc.errors.length ? el("div", { class: "ev" }, doc.errors.map((e) => `${e.url}: ${e.reason}`).join("; ")) : "");
  $("stack").replaceChildren(techTable(doc, site, false));
  $("gaps").replaceChildren(...(doc.gaps === null
    ? [el("li", {}, "unknown: the site was not scanned successfully")]
    : doc.gaps.map((g) => el("li", {}, g))));
  showDns(doc, dns);
  showRender(doc.render);
  showAudit(doc.audit);
  $("scan-result").hidden = false;
}

function showDns(doc, names) {
  const counts = {};
  for (const r of doc.dns || []) counts[r.type] = (counts[r.type] || 0) + 1;
  const summary = doc.dns_status
    ? `DNS ${doc.dns_status}: ${Object.entries(counts).map(([k, v]) => `${k} ${v}`).join(", ") || "no records"}`
    : "DNS not looked up";
  const spf = doc.spf && doc.spf.includes.length ? `; SPF ${doc.spf.includes.length} includes, ${doc.spf.lookups} lookups` : "";
  const tls = doc.tls ? `; TLS issuer ${doc.tls.issuer || "?"}, expires ${(doc.tls.not_after || "?").slice(0, 10)}` : "";
  const errors = (doc.dns_errors || []).map((e) => el("div", { class: "ev" }, `${e.type} ${e.name}: ${e.reason}`));
  $("dns").replaceChildren(el("p", {}, summary + spf + tls), techTable(doc, names, true), ...errors);
}

function showRender(note) {
  const lines = [`policy ${note.policy}; ${note.rendered ? `rendered in ${note.seconds} s` : "not rendered"}` +
                 (note.rule ? ` (rule ${note.rule})` : "")];
  if (note.reason) lines.push(note.reason);
  if (note.error) lines.push(`error: ${note.error}`);
  const refused = (note.refused || []).map((r) => el("li", { class: "ev" }, `refused ${r.url}: ${r.reason}`));
  $("render").replaceChildren(...lines.map((l) => el("p", {}, l)), refused.length ? el("ul", {}, refused) : "");
}

function showAudit(audit) {
  if (audit === null) {
    $("audit").replaceChildren(el("p", {}, "Skipped: the site was not scanned successfully."));
    return;
  }
  const rows = audit.map((f) => el("tr", { "data-audit": f.id }, el("td", {}, f.group), el("td", {}, f.id),
    el("td", { class: f.ok ? "ok" : "weak" }, f.ok ? "ok" : "weak"),
    el("td", {}, f.value === null ? "" : String(f.value)), el("td", {}, f.detail)));
  const weak = audit.filter((f) => !f.ok).length;
  $("audit").replaceChildren(el("p", {}, `${audit.length} checks, ${weak} weaknesses`),
    el("table", {}, el("thead", {}, el("tr", {}, ...["Group", "Check", "", "Value", "Detail"].map((h) => el("th", {}, h)))),
      el("tbody", {}, rows)));
}

async function showFit(id) {
  const profile = $("scan-profile").value;
  $("fit-box").hidden = !profile || !id;
  if (!profile || !id) return;
  try {
    const { body } = await api(`/api/scans/${encodeURIComponent(id)}/fit?profile=${encodeURIComponent(profile)}`);
    const reasons = body.reasons.map((r) => el("li", {}, `${r.label} `,
      el("b", {}, r.disqualifies ? "disqualifies" : `${r.points > 0 ? "+" : ""}${r.points}`)));
    $("fit").replaceChildren(el("p", {}, "score ", el("b", { id: "fit-score" }, String(body.score)),
      " · tier ", el("b", { class: "tier" }, body.tier), ` · confidence ${body.confidence}`),
      el("ul", {}, reasons));
  } catch (error) {
    $("fit").replaceChildren(el("p", { class: "weak" }, error.message));
  }
}

// -- accounts view -----------------------------------------------------------------------

function barChart(title, items) {
  const ns = "http://www.w3.org/2000/svg";
  const width = 420, bar = 20, left = 170;
  const max = Math.max(1, ...items.map(([, v]) => v));
  const svg = document.createElementNS(ns, "svg");
  svg.setAttribute("width", width);
  svg.setAttribute("height", items.length * (bar + 6) + 6);
  svg.setAttribute("role", "img");
  items.forEach(([label, value], i) => {
    const y = 4 + i * (bar + 6);
    const text = document.createElementNS(ns, "text");
    text.setAttribute("x", 0); text.setAttribute("y", y + 14); text.setAttribute("font-size", "12");
    text.textContent = label.length > 26 ? `${label.slice(0, 25)}…` : label;
    const rect = document.createElementNS(ns, "rect");
    rect.setAttribute("x", left); rect.setAttribute("y", y); rect.setAttribute("height", bar);
    rect.setAttribute("width", Math.max(1, (width - left - 40) * value / max));
    rect.setAttribute("fill", "#3b6ea8");
    const count = document.createElementNS(ns, "text");
    count.setAttribute("x", left + (width - left - 40) * value / max + 4);
    count.setAttribute("y", y + 14); count.setAttribute("font-size", "12");
    count.textContent = String(value);
    svg.append(text, rect, count);
  });
  return [el("figcaption", {}, title), items.length ? svg : el("p", {}, "no data")];
}

async function accounts(event) {
  if (event) event.preventDefault();
  const params = new URLSearchParams();
  for (const [key, id] of [["profile", "f-profile"], ["tier", "f-tier"], ["tech", "f-tech"], ["gap", "f-gap"]]) {
    const value = $(id).value.trim();
    if (value) params.set(key, value);
  }
  say("accounts-status", "Loading…");
  try {
    const { body } = await api(`/api/accounts?${params}`);
    const withFit = params.has("profile");
    const columns = withFit ? ["domain", "score", "tier", "platform", "gaps", "reasons"]
                            : ["domain", "scan_status", "platform", "gaps"];
    $("accounts-table").tHead.replaceChildren(el("tr", {}, columns.map((c) => el("th", {}, c))));
    $("accounts-table").tBodies[0].replaceChildren(...body.accounts.map((a) =>
      el("tr", {}, columns.map((c) => el("td", {}, String(a[c] ?? ""))))));
    $("chart-platforms").replaceChildren(...barChart("Platform mix", body.charts.platforms));
    $("chart-tiers").replaceChildren(...barChart("Tiers", withFit ? body.charts.tiers : []));
    say("accounts-status", `${body.total} accounts` + (body.total > body.accounts.length ? ` (first ${body.accounts.length} shown)` : ""));
  } catch (error) {
    say("accounts-status", error.message, true);
  }
}

// -- set-up ------------------------------------------------------------------------------

async function loadProfiles() {
  try {
    const { body } = await api("/api/profiles");
    for (const select of document.querySelectorAll("select.profiles")) {
      select.replaceChildren(select.options[0],
        ...body.map((p) => el("option", { value: p.id }, `${p.name} (${p.id})`)));
    }
  } catch (error) {
    say("scan-status", `Profiles: ${error.message}`, error.code === "unauthorized" || error.code === "forbidden");
  }
}

function showView(name) {
  for (const tab of document.querySelectorAll(".tab")) tab.classList.toggle("active", tab.dataset.view === name);
  $("view-scan").hidden = name !== "scan";
  $("view-accounts").hidden = name !== "accounts";
  if (name === "accounts") accounts();
}

document.addEventListener("DOMContentLoaded", () => {
  $("token").value = sessionStorage.getItem("stackscout-token") || "";
  $("token-form").addEventListener("submit", (event) => {
    event.preventDefault();
    sessionStorage.setItem("stackscout-token", $("token").value.trim());
    loadProfiles();
  });
  $("scan-form").addEventListener("submit", scan);
  $("accounts-form").addEventListener("submit", accounts);
  for (const tab of document.querySelectorAll(".tab")) tab.addEventListener("click", () => showView(tab.dataset.view));
  loadProfiles();
});
