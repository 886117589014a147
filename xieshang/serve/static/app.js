// The what-if page: a form built from /v1/contract, every sentence from /v1/explain (the library's text),
// captions from /v1/ui (xieshang.text.UI). Nothing here words advice of its own.
"use strict";

const S = {
  lang: "zh", ui: {}, fields: [], byName: {}, target: 0.6, example: {}, values: {},
  start: null, seq: 0, timer: null, chartUrl: null, controls: {},
};
const DEBOUNCE_MS = 300;
const $ = (sel) => document.querySelector(sel);

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === false || v === null || v === undefined) continue;
    if (k === "text") node.textContent = v;
    else node.setAttribute(k, v === true ? "" : String(v));
  }
  for (const c of children) node.append(c);
  return node;
}

function fill(template, values) {
  return template.replace(/\{(\w+)\}/g, (_, k) => (k in values ? values[k] : `{${k}}`));
}

const percent = (p) => `${(100 * p).toFixed(0)}%`;
// A probability as the report words it (xieshang.text.chance): never 0 % or 100 %.
const chance = (p) => (p < 0.005 ? S.ui.chance_under : p >= 0.995 ? S.ui.chance_over : percent(p));
const money = (x) => Math.round(x).toLocaleString("en-US");
const label = (f) => f.label[S.lang];
const unit = (f) => (f.unit ? S.ui[`unit:${f.unit}`] || f.unit : "");

async function getJSON(url) {
  const r = await fetch(url);
  if (!r.ok) throw new Error(`${url}: ${r.status}`);
  return r.json();
}

async function post(url, body) {
  const r = await fetch(url, { method: "POST", headers: { "Content-Type": "application/json" }, body });
  const type = r.headers.get("content-type") || "";
  return { status: r.status, ok: r.ok, json: type.includes("json") ? await r.json() : null, response: r };
}

// --- values: what the form holds (strings), and the applicant sent to the API --------------------

function fromExample(example) {
  const values = {};
  for (const f of S.fields) {
    const v = example[f.name];
    values[f.name] = v === undefined || v === null ? "" : String(v);
  }
  return values;
}

function toApplicant() {
  const out = {};
  for (const f of S.fields) {
    const raw = (S.values[f.name] ?? "").trim();
    if (raw === "") { out[f.name] = null; continue; }  // unknown (refused by the API where not allowed)
    if (f.type === "bool") out[f.name] = raw === "true";
    else if (f.type === "category") out[f.name] = raw;
    else out[f.name] = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(raw) ? Number(raw) : raw;
  }
  return out;
}

function setValue(name, value, source) {
  S.values[name] = value;
  const input = document.getElementById(`in-${name}`);
  if (input && input !== source) input.value = value;
  refreshWhatIf();
  schedule();
}

// --- the form, generated from the contract ---------------------------------------------------------

function choices(f) {
  const opts = [];
  if (f.type === "bool") opts.push(["true", S.ui.yes], ["false", S.ui.no]);
  else for (const v of f.values) opts.push([v.value, v.label[S.lang]]);
  if (f.may_be_unknown) opts.push(["", S.ui.unknown]);
  return opts;
}

function select(id, f) {
  const node = el("select", { id, name: f.name, "aria-describedby": `err-${f.name}` });
  for (const [value, text] of choices(f)) node.append(el("option", { value, text }));
  node.value = S.values[f.name];
  return node;
}

function field(f) {
  const id = `in-${f.name}`;
  const range = f.low !== null && f.high !== null ? `${f.low.toLocaleString("en-US")}–${f.high.toLocaleString("en-US")}` : "";
  const lab = el("label", { for: id }, label(f));
  const extra = [unit(f), range].filter(Boolean).join(" · ");
  if (extra) lab.append(" ", el("span", { class: "unit", text: extra }));
  let input;
  if (f.type === "bool" || f.type === "category") input = select(id, f);
  else {
    input = el("input", {
      id, name: f.name, type: "text", inputmode: "decimal", autocomplete: "off",
      placeholder: f.may_be_unknown ? S.ui.unknown : null, "aria-describedby": `err-${f.name}`,
    });
    input.value = S.values[f.name];
  }
  input.addEventListener("input", () => setValue(f.name, input.value, input));
  return el("div", { class: "field", id: `field-${f.name}` }, lab, input,
    el("p", { class: "err", id: `err-${f.name}`, hidden: true }));
}

function buildForm() {
  $("#fields").replaceChildren(...S.fields.map(field));
}

// --- what-if controls: the explanations' menu, with the values /v1/plan says this applicant may move to ----
// Which values are offered is the server's verdict (xieshang.rules.forbidden_changes): nothing decided here.

function number(name) {
  const v = Number((S.values[name] ?? "").trim());
  return (S.values[name] ?? "").trim() === "" || !Number.isFinite(v) ? null : v;
}

const asString = (v) => (v === null || v === undefined ? "" : String(v));
const isSlider = (f) => f.action.kind === "choose" && (f.type === "int" || f.type === "float");

function whatIfControl(f) {
  const id = `wi-${f.name}`;
  const box = el("div", { class: "wi", id: `wi-box-${f.name}` });
  const lab = el("label", { for: id }, label(f));
  let control;
  if (isSlider(f)) {  // steps through the menu's values (index), not a free range
    control = el("input", { id, type: "range", min: 0, max: 0, step: 1, value: 0, "aria-describedby": `wi-out-${f.name}` });
    control.addEventListener("input", () => {
      const values = (S.controls[f.name] || {}).values || [];
      const v = values[Number(control.value)];
      if (v !== undefined) setValue(f.name, asString(v), control);
    });
    box.append(lab, control, el("output", { id: `wi-out-${f.name}`, for: id }));
  } else {
    control = select(id, f);
    control.addEventListener("input", () => setValue(f.name, control.value, control));
    box.append(lab, control);
  }
  box.append(el("p", { class: "hint", id: `wi-note-${f.name}`, hidden: true }));
  return box;
}

function buildWhatIf() {
  $("#whatif-controls").replaceChildren(...S.fields.filter((f) => f.what_if).map(whatIfControl));
  refreshWhatIf();
}

function shown(f, v) {
  if (v === null) return S.ui.unknown;
  if (f.name === "down_payment_ratio") {
    return fill(S.ui.down_payment_value, { pct: percent(v), money: money(v * (number("outstanding_balance") || 0)) });
  }
  return `${v} ${unit(f)}`.trim();
}

function refreshSlider(f, control, c) {
  const values = c.values || [];
  const v = number(f.name);
  let i = values.findIndex((x) => x === v);
  if (i < 0) i = Math.max(0, values.filter((x) => v !== null && x <= v).length - 1);  // typed in the form
  control.max = Math.max(values.length - 1, 0);
  control.value = i;
  const text = shown(f, v);
  control.setAttribute("aria-valuetext", text);
  document.getElementById(`wi-out-${f.name}`).textContent = text;
}

function refreshWhatIf() {
  for (const f of S.fields.filter((x) => x.what_if)) {
    const control = document.getElementById(`wi-${f.name}`);
    if (!control) continue;
    const c = S.controls[f.name] || { values: [], note: null };
    const allowed = new Set((c.values || []).map(asString));
    if (isSlider(f)) refreshSlider(f, control, c);
    else {
      if (control.value !== S.values[f.name]) control.value = S.values[f.name];
      for (const option of control.options) option.disabled = !allowed.has(option.value);
    }
    control.disabled = allowed.size <= 1;
    const note = document.getElementById(`wi-note-${f.name}`);
    note.textContent = c.note || "";
    note.hidden = !c.note;
  }
}

// --- the answer ------------------------------------------------------------------------------------

function schedule() {
  clearTimeout(S.timer);
  S.timer = setTimeout(update, DEBOUNCE_MS);
}

function clearErrors() {
  for (const node of document.querySelectorAll(".err")) { node.hidden = true; node.textContent = ""; }
  for (const node of document.querySelectorAll("[aria-invalid]")) node.removeAttribute("aria-invalid");
  $("#form-errors").hidden = true;
  $("#form-errors").replaceChildren();
}

function showErrors(detail) {
  clearErrors();
  const list = el("ul");
  for (const e of detail.errors || []) {
    const input = e.field && document.getElementById(`in-${e.field}`);
    if (input) {
      input.setAttribute("aria-invalid", "true");
      const err = document.getElementById(`err-${e.field}`);
      err.textContent = e.message;
      err.hidden = false;
    }
    list.append(el("li", { text: e.message }));
  }
  $("#form-errors").replaceChildren(el("p", { text: detail.title || "" }), list);
  $("#form-errors").hidden = false;
  $("#status").textContent = S.ui.stale;
}

function renderGauge(d) {
  const p = d.probability, t = d.target;
  $("#probability").textContent = chance(p);
  $("#gauge .fill").style.width = `${100 * p}%`;
  $("#gauge .fill").classList.toggle("reached", p >= t);
  $("#gauge .target").style.left = `${100 * t}%`;
  $("#gauge .start").style.left = `${100 * (S.start ?? p)}%`;
  $("#vs-target").textContent = fill(p >= t ? S.ui.at_target : S.ui.below_target, { t: percent(t) })
    + (S.start !== null ? ` · ${S.ui.start} ${chance(S.start)}` : "");
}

function renderPlan(plan) {
  const node = $("#plan");
  if (!plan) { node.textContent = ""; return; }
  node.replaceChildren(
    el("span", { text: plan.disposable < 0  // a negative surplus is never shown as money left
      ? fill(S.ui.plan_line_deficit, { instalment: money(plan.instalment), deficit: money(-plan.disposable) })
      : fill(S.ui.plan_line, { instalment: money(plan.instalment), disposable: money(plan.disposable) }) }),
    el("br"),
    el("strong", { class: plan.affordable ? "ok" : "bad", text: plan.affordable ? S.ui.affordable : S.ui.unaffordable }),
  );
}

// The library's report, its paragraphs and indented lists kept; the disclaimer is already at the top.
function renderReport(d) {
  const root = $("#report");
  root.replaceChildren();
  if (typeof d.report !== "string") { renderLists(d, root); return; }
  for (const para of d.report.split(/\n\s*\n/)) {
    if (para.trim() === (S.ui.disclaimer || "").trim()) continue;
    const block = el("div", { class: "para" });
    let stack = [];  // open lists, outermost first: {indent, ul}
    for (const line of para.split("\n")) {
      const indent = line.length - line.trimStart().length;
      const text = line.trim().replace(/^- /, "");
      if (!text) continue;
      if (indent === 0) {
        stack = [];
        block.append(el(/[::]$/.test(text) ? "h3" : "p", { text }));
        continue;
      }
      while (stack.length && stack[stack.length - 1].indent > indent) stack.pop();
      const top = stack[stack.length - 1];
      if (!top || top.indent < indent) {
        const ul = el("ul");
        (top ? top.ul.lastElementChild || top.ul : block).append(ul);
        stack.push({ indent, ul });
      }
      // The report numbers some lists itself ("1. ...", "方案1:..."): no second marker there.
      stack[stack.length - 1].ul.append(el("li", { text, class: /^(\d+\.|[^\s\d]{0,8}\s?\d+[::])/.test(text) ? "numbered" : null }));
    }
    root.append(block);
  }
}

// Without a report: every list of sentences of the explanation, in its order (unknown keys included).
function renderLists(d, root) {
  for (const [key, value] of Object.entries(d)) {
    if (!Array.isArray(value) || !value.length) continue;
    const items = value.map((v) => (typeof v === "string" ? v : v && v.text)).filter(Boolean);
    if (items.length) root.append(el("ul", { "data-key": key }, ...items.map((text) => el("li", { text }))));
  }
}

async function renderChart(body, seq) {
  const r = await fetch("/v1/explain/figure", { method: "POST", headers: { "Content-Type": "application/json" }, body });
  if (!r.ok || seq !== S.seq) return;
  const url = URL.createObjectURL(await r.blob());
  if (S.chartUrl) URL.revokeObjectURL(S.chartUrl);
  S.chartUrl = url;
  $("#chart").src = url;
}

async function update() {
  clearTimeout(S.timer);
  const seq = ++S.seq;
  $("#status").textContent = S.ui.working;
  document.body.setAttribute("aria-busy", "true");
  const body = JSON.stringify({ applicant: toApplicant(), target: S.target, lang: S.lang });
  let explained, plan;
  try {
    [explained, plan] = await Promise.all([post("/v1/explain", body), post("/v1/plan", body)]);
  } catch (e) {
    if (seq === S.seq) $("#status").textContent = S.ui.unavailable;
    return;
  }
  if (seq !== S.seq) return;  // a newer request is on its way
  document.body.removeAttribute("aria-busy");
  if (explained.status === 422) { showErrors(explained.json.detail); return; }
  if (!explained.ok) { $("#status").textContent = S.ui.unavailable; return; }
  clearErrors();
  const d = explained.json;
  if (S.start === null) S.start = d.probability;
  renderGauge(d);
  renderPlan(plan.ok ? plan.json : null);
  if (plan.ok) {
    S.controls = Object.fromEntries(plan.json.what_if.map((c) => [c.name, c]));
    refreshWhatIf();
  }
  renderReport(d);
  $("#status").textContent = "";
  document.body.dataset.ready = String(seq);  // for tests: this answer is on the page
  renderChart(body, seq);
}

// --- language and start-up --------------------------------------------------------------------------

function renderChrome() {
  document.documentElement.lang = S.lang === "zh" ? "zh-CN" : "en";
  document.title = S.ui.title;
  const set = (sel, key) => { $(sel).textContent = S.ui[key]; };
  set("#title", "title"); set("#disclaimer", "disclaimer"); set("#lang-switch", "switch_lang");
  set("#docs-link", "docs"); set("#result-title", "result"); set("#estimate-label", "estimate_now");
  set("#whatif-title", "what_if"); set("#whatif-hint", "what_if_hint"); set("#explanation-title", "explanation");
  set("#chart-title", "chart"); set("#applicant-title", "applicant"); set("#estimate", "estimate");
  set("#reset", "reset"); set("#key-now", "now"); set("#key-target", "target"); set("#key-start", "start");
  $("#lang-switch").lang = S.lang === "zh" ? "en" : "zh-CN";
  $("#chart").alt = S.ui.chart_alt;
}

async function setLang(lang) {
  S.lang = lang;
  S.ui = await getJSON(`/v1/ui?lang=${lang}`);
  const url = new URL(location.href);
  url.searchParams.set("lang", lang);
  history.replaceState(null, "", url);
  renderChrome();
  buildForm();
  buildWhatIf();
}

async function boot() {
  const asked = new URLSearchParams(location.search).get("lang");
  const [contract, example] = await Promise.all([
    getJSON("/v1/contract"), getJSON("/v1/example").catch(() => ({})),
  ]);
  S.fields = contract.fields;
  S.target = contract.default_target;
  S.example = example;
  S.values = fromExample(example);
  await setLang(asked === "en" ? "en" : "zh");
  $("#applicant-form").addEventListener("submit", (e) => { e.preventDefault(); update(); });
  $("#lang-switch").addEventListener("click", async () => { await setLang(S.lang === "zh" ? "en" : "zh"); update(); });
  $("#reset").addEventListener("click", () => {
    S.values = fromExample(S.example);
    S.start = null;
    buildForm();
    buildWhatIf();
    update();
  });
  update();
}

// Nothing to build the page from (the API did not answer): say so, in the words the server put in the HTML.
boot().catch(() => { $("#status").textContent = document.body.dataset.unavailable; });
