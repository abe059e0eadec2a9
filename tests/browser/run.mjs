// summitkb in a real browser: Debian's Chromium driven by playwright-core.
//
// Starts the release binary on a free loopback port over a fresh database,
// then checks, in order:
//   - a crawl from / : every internal link and every #fragment resolves;
//   - the Nu HTML Checker (vnu-jar, on the machine's Java) over every page;
//   - axe-core on every page kind, light and dark: no serious or critical;
//   - the journeys a reader makes (search, cite, suggestions, no-JS, keyboard);
//   - every page kind at 375 px: no horizontal scroll, readable text;
// and saves a screenshot of each page kind at desktop and phone width.
//
//   node tests/browser/run.mjs          (after cargo build --release)
// Environment: SUMMITKB_BIN (default target/release/summitkb), CHROMIUM
// (default /usr/bin/chromium), SCREENSHOTS (default target/screenshots).

import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import jsonld from "jsonld";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, "../..");
const BIN = process.env.SUMMITKB_BIN ?? path.join(root, "target/release/summitkb");
const CHROMIUM = process.env.CHROMIUM ?? "/usr/bin/chromium";
const SHOTS = process.env.SCREENSHOTS ?? path.join(root, "target/screenshots");
const SOURCE = "wang-yi-2025-china-central-asia-summit";

// Page kinds: one representative URL each, for axe, phone width and screenshots.
const PAGE_KINDS = {
  home: "/",
  "kind-list": "/projects",
  agreements: "/agreements?group=country&sort=date&dir=desc",
  record: "/agreements/treaty-permanent-good-neighborliness",
  project: "/projects/china-kyrgyzstan-uzbekistan-railway",
  quote: "/quotes/xi-history-cannot-go-backward",
  country: "/countries/kazakhstan",
  sources: "/sources",
  source: `/sources/${SOURCE}`,
  paragraph: `/sources/${SOURCE}/p/10`,
  search: "/search?q=" + encodeURIComponent("铁路"),
  "search-empty": "/search?q=" + encodeURIComponent("不存在的词语zzz"),
  map: "/map",
  timeline: "/timeline",
  commitments: "/commitments",
  commitment: "/projects/training-places-3000",
  "not-found": "/no-such-page",
};

// The same page kinds in the English edition, which axe, the crawl and the
// reading checks cover as well.
const EN_PAGE_KINDS = Object.fromEntries(Object.entries(PAGE_KINDS).map(([k, u]) => [`${k}-en`, u === "/" ? "/en/" : `/en${u}`]));
const BOTH_EDITIONS = { ...PAGE_KINDS, ...EN_PAGE_KINDS };

for (const [file, what] of [[BIN, "the release binary (cargo build --release)"], [CHROMIUM, "Chromium (apt-get install chromium chromium-driver fonts-noto-cjk)"]]) {
  if (!fs.existsSync(file)) {
    console.error(`missing ${file}: install ${what}`);
    process.exit(2);
  }
}

// --- a tiny runner: every check runs, failures are listed at the end --------
const failures = [];
let passed = 0;
async function check(name, fn) {
  const t0 = Date.now();
  try {
    await fn();
    passed += 1;
    console.log(`ok    ${name} (${Date.now() - t0} ms)`);
  } catch (e) {
    failures.push(name);
    console.log(`FAIL  ${name}\n      ${String(e && e.stack ? e.stack : e).split("\n").slice(0, 6).join("\n      ")}`);
  }
}
function assert(cond, msg) {
  if (!cond) throw new Error(msg);
}

// --- the server ----------------------------------------------------------------
function freePort() {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

const work = fs.mkdtempSync(path.join(os.tmpdir(), "summitkb-browser-"));
const port = await freePort();
const BASE = `http://127.0.0.1:${port}`;
const server = spawn(
  BIN,
  ["serve", "--addr", `127.0.0.1:${port}`, "--db", path.join(work, "kb.sqlite"), "--seeds", path.join(root, "seeds"), "--static-dir", path.join(root, "static"), "--base-url", BASE],
  { stdio: ["ignore", "inherit", "inherit"], env: { ...process.env, RUST_LOG: "warn" } },
);
process.on("exit", () => server.kill("SIGTERM"));
for (let i = 0; ; i++) {
  try {
    if ((await fetch(`${BASE}/healthz`)).ok) break;
  } catch {}
  if (i > 200) throw new Error("server did not start");
  await new Promise((r) => setTimeout(r, 50));
}

const browser = await chromium.launch({
  executablePath: CHROMIUM,
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});

/// A page that fails the test on any console error or CSP violation.
async function strictPage(context) {
  const page = await context.newPage();
  const problems = [];
  page.on("console", (m) => {
    if (m.type() === "error" && !/404 \(Not Found\)/.test(m.text())) problems.push(m.text());
  });
  page.on("pageerror", (e) => problems.push(String(e)));
  page.problems = problems;
  return page;
}

// --- crawl ---------------------------------------------------------------------
const decode = (s) => s.replace(/&#38;|&amp;/g, "&").replace(/&#34;|&quot;/g, '"').replace(/&#39;/g, "'");
const pages = new Map(); // url → { status, type, body, ids }
await check("crawl: every internal link and fragment resolves", async () => {
  const queue = ["/", "/en/", ...Object.values(BOTH_EDITIONS)];
  const links = []; // [from, href]
  while (queue.length) {
    const url = queue.shift();
    if (pages.has(url)) continue;
    const res = await fetch(BASE + url, { redirect: "manual" });
    const type = res.headers.get("content-type") ?? "";
    const body = type.includes("text/html") ? await res.text() : "";
    const ids = new Set([...body.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1]));
    pages.set(url, { status: res.status, type, body, ids });
    if (!body) continue;
    for (const m of body.matchAll(/\shref="([^"]+)"/g)) {
      const href = decode(m[1]);
      if (!href.startsWith("/") || href.startsWith("//")) continue;
      links.push([url, href]);
      const target = href.split("#")[0] || url;
      if (!pages.has(target) && !queue.includes(target)) queue.push(target);
    }
  }
  const broken = [];
  for (const [from, href] of links) {
    // A browser drops a fragment directive (:~:text=…) before it looks
    // for the element; the text it names is checked in the journeys.
    const [target, rawFrag] = href.split("#");
    const frag = rawFrag && rawFrag.split(":~:")[0];
    const page = pages.get(target || from);
    if (!page || page.status !== 200) broken.push(`${from} → ${href}: ${page ? page.status : "not fetched"}`);
    else if (frag && !page.ids.has(decodeURIComponent(frag))) broken.push(`${from} → ${href}: no id="${frag}"`);
  }
  const html = [...pages.values()].filter((p) => p.type.includes("text/html")).length;
  console.log(`      ${pages.size} URLs (${html} HTML pages), ${links.length} links`);
  assert(html > 150, `only ${html} pages reached`);
  assert(broken.length === 0, `broken links:\n${broken.slice(0, 20).join("\n")}`);
});

// --- valid HTML ----------------------------------------------------------------
await check("Nu HTML Checker: every page is valid HTML", async () => {
  const dir = path.join(work, "html");
  fs.mkdirSync(dir);
  const names = new Map();
  let i = 0;
  for (const [url, p] of pages) {
    if (!p.body) continue;
    const file = path.join(dir, `${String(i++).padStart(4, "0")}.html`);
    fs.writeFileSync(file, p.body);
    names.set(file, url);
  }
  const jar = path.join(here, "node_modules/vnu-jar/build/dist/vnu.jar");
  const r = spawnSync("java", ["-Xss2m", "-jar", jar, "--format", "json", "--errors-only", dir], { encoding: "utf8", maxBuffer: 64 << 20 });
  assert(r.status !== null, `vnu did not run: ${r.error}`);
  const messages = JSON.parse(r.stderr || '{"messages":[]}').messages;
  const errors = messages.filter((m) => m.type === "error" || m.subType === "fatal");
  const kinds = new Map();
  for (const m of errors) {
    const seen = kinds.get(m.message) ?? { n: 0, at: `${names.get(fileURLToPath(m.url)) ?? m.url}:${m.lastLine}` };
    seen.n += 1;
    kinds.set(m.message, seen);
  }
  const show = [...kinds].map(([msg, k]) => `${k.n}× ${msg} (first at ${k.at})`);
  console.log(`      ${names.size} pages checked`);
  assert(errors.length === 0, `${errors.length} errors:\n${show.join("\n")}`);
});

// --- accessibility ---------------------------------------------------------------
const axeSource = fs.readFileSync(path.join(here, "node_modules/axe-core/axe.min.js"), "utf8");
for (const scheme of ["light", "dark"]) {
  await check(`axe-core (${scheme}): no serious or critical violations on any page kind`, async () => {
    // axe is injected as an inline script, so this context alone bypasses CSP.
    const context = await browser.newContext({ bypassCSP: true, colorScheme: scheme });
    const page = await context.newPage();
    const found = [];
    for (const [kind, url] of Object.entries(BOTH_EDITIONS)) {
      await page.goto(BASE + url);
      await page.addScriptTag({ content: axeSource });
      const result = await page.evaluate(async () => await window.axe.run(document, { resultTypes: ["violations"] }));
      for (const v of result.violations.filter((v) => v.impact === "serious" || v.impact === "critical")) {
        found.push(`${kind} ${url}: ${v.id} (${v.impact}) ${v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(", ")}`);
      }
    }
    await context.close();
    assert(found.length === 0, found.join("\n"));
  });
}

await check("document language, English names, headings in order, landmarks", async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  for (const [kind, url] of Object.entries(PAGE_KINDS)) {
    await page.goto(BASE + url);
    const facts = await page.evaluate(() => ({
      lang: document.documentElement.lang,
      levels: [...document.querySelectorAll("h1,h2,h3,h4")].map((h) => Number(h.tagName[1])),
      landmarks: ["header", "nav", "main", "footer"].filter((s) => document.querySelector(s)),
      english: document.querySelectorAll('[lang="en"]').length,
    }));
    assert(facts.lang === "zh-Hans", `${kind}: lang=${facts.lang}`);
    assert(facts.levels[0] === 1, `${kind}: first heading is h${facts.levels[0]}`);
    facts.levels.forEach((l, i) => assert(i === 0 || l <= facts.levels[i - 1] + 1, `${kind}: h${facts.levels[i - 1]} then h${l}`));
    assert(facts.landmarks.length === 4, `${kind}: landmarks ${facts.landmarks}`);
    assert(facts.english > 0, `${kind}: no lang="en" English`);
  }
  await context.close();
});

await check("English edition: lang=\"en\", Chinese only inside lang=\"zh-Hans\", headings in order, landmarks, a switch to the same page", async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  for (const [kind, url] of Object.entries(EN_PAGE_KINDS)) {
    await page.goto(BASE + url);
    const facts = await page.evaluate(() => {
      const han = /[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uff65]/;
      const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
      const stray = [];
      for (let n = walker.nextNode(); n; n = walker.nextNode()) {
        const el = n.parentElement;
        if (!han.test(n.data) || el.closest("script, style")) continue;
        const lang = el.closest("[lang]").getAttribute("lang");
        if (!lang.startsWith("zh")) stray.push(n.data.trim().slice(0, 40));
      }
      const sw = document.querySelector('nav a[hreflang="zh-Hans"]');
      return {
        lang: document.documentElement.lang,
        stray,
        switchTo: sw && sw.getAttribute("href"),
        levels: [...document.querySelectorAll("h1,h2,h3,h4")].map((h) => Number(h.tagName[1])),
        landmarks: ["header", "nav", "main", "footer"].filter((s) => document.querySelector(s)),
      };
    });
    assert(facts.lang === "en", `${kind}: lang=${facts.lang}`);
    assert(facts.stray.length === 0, `${kind}: Chinese outside lang="zh-Hans": ${facts.stray.slice(0, 5)}`);
    // An address with no page has no twin to switch to.
    const zh = kind === "not-found-en" ? null : url.replace(/^\/en/, "") || "/";
    assert(facts.switchTo === zh, `${kind}: the switch goes to ${facts.switchTo}, not ${zh}`);
    assert(facts.levels[0] === 1, `${kind}: first heading is h${facts.levels[0]}`);
    facts.levels.forEach((l, i) => assert(i === 0 || l <= facts.levels[i - 1] + 1, `${kind}: h${facts.levels[i - 1]} then h${l}`));
    assert(facts.landmarks.length === 4, `${kind}: landmarks ${facts.landmarks}`);
  }
  await context.close();
});

// --- JSON-LD -----------------------------------------------------------------------
await check("JSON-LD: every page kind's schema.org data expands with a JSON-LD processor and says what the page shows", async () => {
  // No network here: schema.org's context is given as its vocabulary, so the
  // processor checks the syntax and expands every term to its schema.org IRI.
  const documentLoader = async (url) => {
    if (url.replace(/\/$/, "") === "https://schema.org") {
      return { contextUrl: null, documentUrl: url, document: { "@context": { "@vocab": "https://schema.org/" } } };
    }
    throw new Error(`no remote context: ${url}`);
  };
  const S = "https://schema.org/";
  const value = (node, prop) => (node[S + prop] ?? []).map((v) => v["@value"] ?? v["@id"]);
  const context = await browser.newContext();
  const page = await context.newPage();
  const expect = {
    project: ["Thing", "h1"],
    quote: ["Quotation", "h1"],
    country: ["Country", "h1"],
    source: ["NewsArticle", "h1"],
    paragraph: ["CreativeWork", null],
    home: ["Dataset", null],
    "kind-list": ["ItemList", null],
    sources: ["ItemList", null],
    map: ["WebPage", null],
    timeline: ["WebPage", null],
  };
  for (const [kind, [type, nameFrom]] of Object.entries(expect)) {
    await page.goto(BASE + PAGE_KINDS[kind]);
    const raw = await page.locator('script[type="application/ld+json"]').textContent();
    const [node] = await jsonld.expand(JSON.parse(raw), { documentLoader });
    assert(node["@type"].includes(S + type), `${kind}: @type ${node["@type"]}, not ${type}`);
    if (nameFrom) {
      const shown = (await page.locator(nameFrom).first().innerText()).trim();
      const names = [...value(node, "name"), ...value(node, "headline")];
      assert(names.includes(shown), `${kind}: JSON-LD names ${names}, the page shows ${shown}`);
    }
    if (kind === "paragraph") {
      const shown = (await page.locator(".para.focus p").innerText()).replace(/\[sic: [^\]]*\]/g, "").trim();
      assert(value(node, "text")[0] === shown, `paragraph text differs:\n${value(node, "text")[0]}\n${shown}`);
    }
    if (kind === "kind-list") {
      const items = node[S + "itemListElement"].map((i) => value(i, "name")[0]);
      const shown = await page.locator("main table a, main .records a, main ul a").allInnerTexts();
      assert(items.length > 10 && items.every((t) => shown.includes(t)), `list items not on the page: ${items.filter((t) => !shown.includes(t)).slice(0, 3)}`);
    }
    if (kind === "project" || kind === "quote") {
      // Every citation is a Quotation of words the page quotes.
      const quoted = (await page.locator("figure.citation blockquote").allInnerTexts()).join("\n");
      const cites = node[S + "citation"];
      assert(cites.length > 0, `${kind}: no citation`);
      for (const c of cites) {
        assert(c["@type"].includes(S + "Quotation"), `${kind}: citation type`);
        const words = value(c, "text")[0];
        assert(quoted.includes(words), `${kind}: the page does not quote ${words}`);
      }
    }
    if (kind === "home") {
      const downloads = node[S + "distribution"];
      assert(downloads.length >= 29, `only ${downloads.length} downloads`);
      for (const d of downloads) {
        const url = value(d, "contentUrl")[0];
        const res = await fetch(url);
        assert(res.ok, `${url}: ${res.status}`);
        await res.arrayBuffer();
      }
    }
  }
  await context.close();
});

// --- journeys --------------------------------------------------------------------
await check("journey: home → search 中吉乌铁路 → project → ¶ citation → marked paragraph", async () => {
  const context = await browser.newContext();
  const page = await strictPage(context);
  await page.goto(BASE + "/");
  await page.fill("header input[name=q]", "中吉乌铁路");
  await page.press("header input[name=q]", "Enter");
  await page.waitForURL(/\/search\?q=/);
  const first = page.locator("ol.results > li").first();
  assert((await first.getAttribute("class")).includes("project"), "first result is not a project");
  await first.locator("h2 a").click();
  await page.waitForURL(/\/projects\/china-kyrgyzstan-uzbekistan-railway$/);
  assert((await page.locator("h1").innerText()) === "中吉乌铁路", "project page title");
  await page.locator("figure.citation figcaption a").first().click();
  await page.waitForURL(/\/p\/10\?from=/);
  const marked = await page.locator(".para.focus mark").allInnerTexts();
  assert(marked.some((t) => t.includes("中吉乌铁路")), `marked: ${marked}`);
  const bg = await page.locator(".para.focus mark").first().evaluate((m) => getComputedStyle(m).backgroundColor);
  assert(bg !== "rgba(0, 0, 0, 0)", "the supporting words are not highlighted");
  assert(page.problems.length === 0, page.problems.join("\n"));
  await context.close();
});

await check("journey in English: /en/ → search China-Kyrgyzstan-Uzbekistan railway → project → ¶ citation → marked words", async () => {
  const context = await browser.newContext();
  const page = await strictPage(context);
  await page.goto(BASE + "/en/");
  await page.fill("header input[name=q]", "China-Kyrgyzstan-Uzbekistan railway");
  await page.press("header input[name=q]", "Enter");
  await page.waitForURL(/\/en\/search\?q=/);
  assert((await page.locator("html").getAttribute("lang")) === "en", "the results page is not English");
  const first = page.locator("ol.results > li").first();
  assert((await first.getAttribute("class")).includes("project"), "first result is not a project");
  const snippet = await first.locator("p.snippet").innerText();
  assert(!/[\u4e00-\u9fff]/.test(snippet), `the snippet is not English: ${snippet}`);
  await first.locator("h2 a").click();
  await page.waitForURL(/\/en\/projects\/china-kyrgyzstan-uzbekistan-railway$/);
  const title = await page.locator("h1").innerText();
  assert(/Railway/i.test(title), `project page title: ${title}`);
  await page.locator("figure.citation figcaption a").first().click();
  await page.waitForURL(/\/en\/sources\/.*\/p\/10\?from=/);
  const marked = await page.locator(".para.focus mark").allInnerTexts();
  assert(marked.some((t) => t.includes("中吉乌铁路")), `marked: ${marked}`);
  const lang = await page.locator(".para.focus mark").first().evaluate((m) => m.closest("[lang]").getAttribute("lang"));
  assert(lang === "zh-Hans", `the source's words are marked lang=${lang}`);
  const bg = await page.locator(".para.focus mark").first().evaluate((m) => getComputedStyle(m).backgroundColor);
  assert(bg !== "rgba(0, 0, 0, 0)", "the supporting words are not highlighted");
  await page.locator('nav a[hreflang="zh-Hans"]').click();
  await page.waitForURL((u) => u.pathname === `/sources/${SOURCE}/p/10` && u.search.startsWith("?from="));
  assert(page.problems.length === 0, page.problems.join("\n"));
  await context.close();
});

await check("journey: /sources/…#p10 scrolls to the paragraph, highlights it, copies its citation", async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: BASE });
  const page = await strictPage(context);
  await page.goto(`${BASE}/sources/${SOURCE}#p10`);
  const para = page.locator("#p10");
  const state = await para.evaluate((el) => {
    const r = el.getBoundingClientRect();
    return { top: r.top, inView: r.top >= 0 && r.top < window.innerHeight, target: el.matches(":target"), shadow: getComputedStyle(el).boxShadow, bg: getComputedStyle(el).backgroundColor, bodyBg: getComputedStyle(document.body).backgroundColor };
  });
  assert(state.target && state.inView, `not scrolled into view: ${JSON.stringify(state)}`);
  assert(state.shadow !== "none" && state.bg !== state.bodyBg, `not highlighted: ${JSON.stringify(state)}`);
  const button = para.locator("button.copy");
  await button.click();
  await page.waitForFunction(() => document.querySelector("#p10 button.copy").textContent.includes("已复制"));
  const copied = await page.evaluate(() => navigator.clipboard.readText());
  assert(copied.startsWith("新华社，2025-06-18，《") && copied.endsWith(`》，第10段。${BASE}/sources/${SOURCE}/p/10`), `clipboard: ${copied}`);
  assert(page.problems.length === 0, page.problems.join("\n"));
  await context.close();
});

await check("journey: a record's citation styles are copied from the page, GB/T dated today", async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: BASE });
  const page = await strictPage(context);
  await page.goto(`${BASE}/projects/china-kyrgyzstan-uzbekistan-railway`);
  for (const [style, starts] of [["bibtex", "@online{"], ["gbt7714", "新华社. 弘扬中国—中亚精神"]]) {
    const box = page.locator(`details:has(#cite-${style})`);
    await box.locator("summary").click();
    const button = box.locator("button.copy");
    await button.click();
    await page.waitForFunction((s) => document.querySelector(`details:has(#cite-${s}) button.copy`).textContent.includes("已复制"), style);
    const copied = await page.evaluate(() => navigator.clipboard.readText());
    const shown = await page.locator(`#cite-${style}`).inputValue();
    assert(copied === shown.trim(), `${style}: clipboard differs from the box:\n${copied}\n---\n${shown}`);
    assert(copied.startsWith(starts), `${style}: ${copied.slice(0, 80)}`);
    if (style === "gbt7714") {
      const d = new Date();
      const today = `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`;
      assert(copied.includes(`(2025-06-18)[${today}]`) && !copied.includes("引用日期"), `GB/T access date: ${copied.slice(0, 200)}`);
    }
  }
  assert(page.problems.length === 0, page.problems.join("\n"));
  await context.close();
});

await check("journey: a link to the cited words scrolls to and highlights them; gone words fall back to the paragraph", async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await strictPage(context);
  await page.goto(`${BASE}/projects/china-kyrgyzstan-uzbekistan-railway`);
  const link = page.locator("ul.word-links a").first();
  const href = await link.getAttribute("href");
  assert(/^\/sources\/[^#]+#p10:~:text=/.test(href), `link: ${href}`);
  const span = (await link.innerText()).replace(/^¶\d+：“|”$/g, "");
  await link.click();
  await page.waitForURL(/\/sources\//);
  // Where the cited words are, and whether the browser marked them.
  const locate = (words) => page.evaluate((w) => {
    const para = document.getElementById("p10");
    const walker = document.createTreeWalker(para, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const i = n.data.indexOf(w.slice(0, 8));
      if (i < 0) continue;
      const range = document.createRange();
      range.setStart(n, i);
      range.setEnd(n, Math.min(n.data.length, i + 8));
      const r = range.getBoundingClientRect();
      return { top: r.top, left: r.left, width: r.width, height: r.height, scrollY: window.scrollY, inView: r.top >= 0 && r.bottom <= window.innerHeight, target: para.matches(":target") };
    }
    return null;
  }, words);
  await page.waitForTimeout(600);
  const at = await locate(span);
  assert(!(await page.locator("#p10.fragment-fallback").count()), "a matched link fell back to the paragraph");
  assert(at && at.inView, `the cited words are not in view: ${JSON.stringify(at)}`);
  // A matched text directive is the fragment Chromium scrolls to; it does
  // not make the paragraph :target (that is the fallback's job, below).
  // Matched, not fallen back: the paragraph alone scrolls elsewhere (its
  // top to the top), and a match is what Chromium paints as ::target-text.
  // (A new document each time: a same-document jump keeps the old scroll.)
  await page.goto("about:blank");
  await page.goto(`${BASE}/sources/${SOURCE}#p10`);
  await page.waitForTimeout(300);
  const fallbackY = await page.evaluate(() => window.scrollY);
  assert(Math.abs(fallbackY - at.scrollY) > 20, `the text directive did not match: scrolled as for #p10 (${at.scrollY} vs ${fallbackY})`);
  // Words that are not in the text: the browser goes to the paragraph.
  await page.goto("about:blank");
  await page.goto(`${BASE}/sources/${SOURCE}#p12:~:text=${encodeURIComponent("这句话不在原文里")}`);
  await page.waitForTimeout(800);
  const fallback = await page.evaluate(() => {
    const p = document.getElementById("p12");
    const r = p.getBoundingClientRect();
    return { marked: p.classList.contains("fragment-fallback"), bg: getComputedStyle(p).backgroundColor, bodyBg: getComputedStyle(document.body).backgroundColor, top: r.top, inView: r.top >= 0 && r.top < window.innerHeight, scrollY: window.scrollY };
  });
  // Chromium itself neither scrolls nor marks: static/fragment.js does.
  assert(fallback.marked && fallback.inView && fallback.scrollY > 0 && fallback.bg !== fallback.bodyBg, `no fallback to ¶12: ${JSON.stringify(fallback)}`);
  assert(page.problems.length === 0, page.problems.join("\n"));
  await context.close();
});

// Chromium exposes no script API saying a text directive matched
// (document.fragmentDirective is an empty object), but it paints the match
// as ::target-text. So each link is opened with that highlight styled a
// colour nothing else uses, and the screenshot is read back at the first
// and the last cited character: both must be painted, which means the link
// matched, matched where the words are, and highlights them all.
const TARGET_TEXT = "::target-text{background-color:#ff00ff!important;color:#ff00ff!important}";
async function fragmentHighlights(page, url, n, from, to) {
  await page.goto("about:blank");
  await page.goto(url);
  await page.addStyleTag({ content: TARGET_TEXT });
  let last = "";
  for (let attempt = 0; attempt < 6; attempt++) {
    await page.waitForTimeout(attempt ? 250 : 150);
    const shot = (await page.screenshot()).toString("base64");
    last = await page.evaluate(async ({ n, from, to, shot }) => {
      const para = document.querySelector(`#p${n} > p`);
      // The rectangle of code point k of the paragraph's text (the page's
      // [sic: …] notes are not part of it).
      const rect = (k) => {
        const walker = document.createTreeWalker(para, NodeFilter.SHOW_TEXT, {
          acceptNode: (t) => (t.parentElement.closest(".sic") ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT),
        });
        let seen = 0;
        for (let t = walker.nextNode(); t; t = walker.nextNode()) {
          const cps = Array.from(t.data);
          if (k < seen + cps.length) {
            const at = cps.slice(0, k - seen).join("").length;
            const range = document.createRange();
            range.setStart(t, at);
            range.setEnd(t, at + cps[k - seen].length);
            return range.getBoundingClientRect();
          }
          seen += cps.length;
        }
        return null;
      };
      const img = new Image();
      img.src = "data:image/png;base64," + shot;
      await img.decode();
      const canvas = document.createElement("canvas");
      canvas.width = img.width;
      canvas.height = img.height;
      const g = canvas.getContext("2d");
      g.drawImage(img, 0, 0);
      for (const [which, k] of [["first", from], ["last", to - 1]]) {
        const r = rect(k);
        if (!r) return `no character ${k} in ¶${n}`;
        if (r.top < 0 || r.bottom > innerHeight) return `the ${which} cited character is out of view`;
        const px = g.getImageData(Math.round(r.left + 1), Math.round(r.top + 2), Math.max(1, Math.round(r.width - 2)), Math.max(1, Math.round(r.height - 4))).data;
        let painted = 0;
        for (let i = 0; i < px.length; i += 4) if (px[i] > 200 && px[i + 1] < 80 && px[i + 2] > 200) painted += 1;
        if (painted < px.length / 8) return `the ${which} cited character is not highlighted`;
      }
      return "";
    }, { n, from, to, shot });
    if (!last) return "";
  }
  return last;
}

await check("researchers: every citation's link to the cited words is matched and highlighted by Chromium", async () => {
  // bypassCSP: the page's CSP (style-src 'self') would refuse the test's style.
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, bypassCSP: true });
  const page = await context.newPage();
  const cites = await (await fetch(`${BASE}/api/export/citations.json`)).json();
  const annotations = await (await fetch(`${BASE}/sources/${SOURCE}/annotations`)).json();
  const total = annotations.total ?? annotations.items?.length ?? annotations.first?.items?.length;
  assert(cites.rows.length === total, `${cites.rows.length} citations in the download, ${total} annotations`);
  const missed = [];
  for (const c of cites.rows) {
    const url = c.text_fragment_url.replace(/^https?:\/\/[^/]+/, BASE);
    const why = await fragmentHighlights(page, url, c.paragraph, c.span_start, c.span_end);
    if (why) missed.push(`${c.record_kind}/${c.record_slug} ¶${c.paragraph} [${c.span_start},${c.span_end}) “${c.span}”: ${why} (${decodeURIComponent(url.split(":~:")[1])})`);
  }
  console.log(`      ${cites.rows.length - missed.length} of ${cites.rows.length} citation links matched and highlighted by Chromium`);
  assert(missed.length === 0, `${missed.length} not:\n${missed.join("\n")}`);
  await context.close();
});

await check("sources over time: /commitments renders every commitment, its links work, and each record page's status history agrees", async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await strictPage(context);
  const api = await (await fetch(`${BASE}/api/commitments`)).json();
  const expected = api.data ?? api.commitments ?? api;
  await page.goto(`${BASE}/commitments`);
  const items = await page.evaluate(() => [...document.querySelectorAll("ul.commitments > li")].map((li) => ({
    href: li.querySelector("h2 a")?.getAttribute("href"),
    title: li.querySelector("h2 a")?.textContent.trim(),
    status: li.querySelector("dd time")?.getAttribute("datetime") ?? null,
    statusText: [...li.querySelectorAll("dt")].find((dt) => dt.textContent.includes("最新进展"))?.nextElementSibling.textContent ?? null,
    links: [...li.querySelectorAll("a[href]")].map((a) => a.getAttribute("href")),
  })));
  assert(items.length > 0 && items.length === (Array.isArray(expected) ? expected.length : items.length), `${items.length} commitments on the page, ${Array.isArray(expected) ? expected.length : "?"} in /api/commitments`);
  const count = Number(await page.locator("h1 .count").innerText());
  assert(count === items.length, `the heading counts ${count}, the list holds ${items.length}`);
  for (const it of items) {
    assert(it.href && it.title, `a commitment without its record link: ${JSON.stringify(it)}`);
    for (const href of it.links) {
      const r = await fetch(BASE + href);
      assert(r.status === 200, `${href} from /commitments answers ${r.status}`);
    }
    // The record page shows the same latest status, last in its history, in date order.
    await page.goto(BASE + it.href);
    const history = await page.evaluate(() => [...document.querySelectorAll("section.status-history li")].map((li) => ({
      date: li.querySelector("time")?.getAttribute("datetime"),
      text: li.querySelector("p").textContent,
      latest: li.classList.contains("latest"),
      cite: li.querySelector("a")?.getAttribute("href"),
    })));
    if (it.status === null) {
      assert(history.length === 0, `${it.href}: a status history but no latest status on /commitments`);
      continue;
    }
    assert(history.length > 0, `${it.href}: /commitments gives a latest status, the record page no history`);
    const last = history[history.length - 1];
    assert(last.latest && history.filter((h) => h.latest).length === 1, `${it.href}: the latest is not the last statement`);
    assert(last.date === it.status, `${it.href}: latest ${last.date} on the page, ${it.status} on /commitments`);
    const quoted = /“([^”]+)”/.exec(it.statusText)?.[1];
    assert(quoted && last.text.includes(`“${quoted}”`), `${it.href}: the status “${quoted}” is not the page's latest (${last.text})`);
    const dates = history.map((h) => h.date);
    assert(dates.every((d, i) => i === 0 || dates[i - 1] <= d), `${it.href}: statements not oldest first: ${dates}`);
    for (const h of history) {
      assert(h.cite && /\/sources\/[^/]+\/p\/\d+/.test(h.cite), `${it.href}: a statement without its paragraph: ${JSON.stringify(h)}`);
      const r = await fetch(BASE + h.cite);
      assert(r.status === 200, `${h.cite} answers ${r.status}`);
    }
  }
  // A status statement's paragraph link lands on the paragraph page.
  await page.goto(`${BASE}/projects/training-places-3000`);
  await page.locator("section.status-history li.latest a").first().click();
  await page.waitForURL(/\/sources\/[^/]+\/p\/\d+/);
  assert(await page.locator("main").count(), "the status's paragraph page did not render");
  assert(page.problems.length === 0, page.problems.join("\n"));
  await context.close();
});

await check("journey: suggestions appear while typing and are chosen with the keyboard", async () => {
  const context = await browser.newContext();
  const page = await strictPage(context);
  await page.goto(BASE + "/");
  await page.locator("header input[name=q]").pressSequentially("zhongjiwu", { delay: 30 });
  const options = page.locator("#suggestions [role=option]");
  await options.first().waitFor();
  assert((await options.first().innerText()).includes("中吉乌铁路"), "first suggestion");
  assert((await page.getAttribute("header input[name=q]", "aria-expanded")) === "true", "aria-expanded");
  await page.keyboard.press("ArrowDown");
  assert((await options.first().getAttribute("aria-selected")) === "true", "ArrowDown selects");
  await page.keyboard.press("Enter");
  await page.waitForURL(/\/projects\/china-kyrgyzstan-uzbekistan-railway$/);
  assert(page.problems.length === 0, page.problems.join("\n"));
  await context.close();
});

await check("journey: without JavaScript the plain search form still works", async () => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto(BASE + "/");
  await page.fill("header input[name=q]", "中吉乌铁路");
  await page.click("header form button[type=submit]");
  await page.waitForURL(/\/search\?q=/);
  assert((await page.locator("ol.results > li h2 a").first().innerText()).includes("中吉乌铁路"), "no-JS search");
  // Reading needs no script: the map and the timeline are in the HTML.
  await page.goto(BASE + "/map");
  assert((await page.locator("svg.map a").count()) > 6, "map without JS");
  await context.close();
});

await check("journey: keyboard only — skip link, visible focus, every control reachable", async () => {
  const context = await browser.newContext();
  const page = await strictPage(context);
  await page.goto(`${BASE}/sources/${SOURCE}/p/10`);
  await page.keyboard.press("Tab");
  const skip = await page.evaluate(() => {
    const a = document.activeElement;
    const r = a.getBoundingClientRect();
    return { cls: a.className, href: a.getAttribute("href"), visible: r.left >= 0 && r.width > 0 };
  });
  assert(skip.cls === "skip" && skip.href === "#main" && skip.visible, `first Tab: ${JSON.stringify(skip)}`);
  const tabbable = await page.evaluate(() =>
    // What a closed <details> holds is not reached until it is opened.
    [...document.querySelectorAll("a[href], button, input, select, textarea, [tabindex]")].filter((e) => !e.hidden && e.tabIndex >= 0 && e.offsetParent !== null && !e.closest("details:not([open])")).length,
  );
  const reached = new Set();
  const unfocused = [];
  for (let i = 0; i < tabbable + 2; i++) {
    const f = await page.evaluate(() => {
      const a = document.activeElement;
      const s = getComputedStyle(a);
      return { key: a.outerHTML.slice(0, 80), body: a === document.body, ring: s.outlineStyle !== "none" && parseFloat(s.outlineWidth) >= 2, style: s.outlineStyle + " " + s.outlineWidth };
    });
    if (f.body) break; // past the last control
    reached.add(f.key);
    if (!f.ring) unfocused.push(`${f.key} (outline ${f.style})`);
    await page.keyboard.press("Tab");
  }
  assert(reached.size >= tabbable, `reached ${reached.size} of ${tabbable} controls`);
  assert(unfocused.length === 0, `no visible focus on:\n${unfocused.slice(0, 5).join("\n")}`);
  await context.close();
});

// --- phones ------------------------------------------------------------------------
await check("375 px: no horizontal scroll and readable text on every page kind", async () => {
  const context = await browser.newContext({ viewport: { width: 375, height: 800 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
  const page = await context.newPage();
  const bad = [];
  for (const [kind, url] of Object.entries(PAGE_KINDS)) {
    await page.goto(BASE + url);
    const m = await page.evaluate(() => ({
      scroll: document.documentElement.scrollWidth,
      width: window.innerWidth,
      font: parseFloat(getComputedStyle(document.querySelector("main p, main li") ?? document.body).fontSize),
    }));
    if (m.scroll > m.width) bad.push(`${kind}: page is ${m.scroll}px wide in ${m.width}px`);
    if (m.font < 14) bad.push(`${kind}: body text ${m.font}px`);
  }
  await context.close();
  assert(bad.length === 0, bad.join("\n"));
});

// --- pages that respect the reader: at a phone's and a desktop's width, light and dark
const VIEWS = [["375", { width: 375, height: 740 }], ["1280", { width: 1280, height: 900 }]];
const luminance = (rgb) => {
  const [r, g, b] = rgb.match(/\d+(\.\d+)?/g).slice(0, 3).map(Number);
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
};
for (const scheme of ["light", "dark"]) {
  for (const [name, viewport] of VIEWS) {
    const phone = name === "375";
    await check(`${name} px ${scheme}: no repeated ¶ link or paragraph, touchable timeline, map caption, parties, first result`, async () => {
      const context = await browser.newContext({ viewport, colorScheme: scheme, deviceScaleFactor: phone ? 2 : 1, isMobile: phone, hasTouch: phone });
      const page = await strictPage(context);
      const bad = [];

      // No duplicated ¶ link in a search result.
      for (const q of ["合作", "铁路", "峰会"]) {
        await page.goto(`${BASE}/search?q=${encodeURIComponent(q)}`);
        const cites = await page.locator("ol.results > li p.cites").evaluateAll((ps) => ps.map((p) => [...p.querySelectorAll("a")].map((a) => a.textContent.trim())));
        for (const links of cites) if (new Set(links).size !== links.length) bad.push(`search ${q}: ${links.join(" ")}`);
        // The first result on the first screen, facets out of its way.
        const top = await page.locator("ol.results > li").first().evaluate((li) => li.getBoundingClientRect().top);
        if (top >= viewport.height) bad.push(`search ${q}: first result at y=${Math.round(top)} of ${viewport.height}`);
        const facetsShown = await page.locator("details.facets ul").first().isVisible();
        if (phone === facetsShown) bad.push(`search ${q}: facets ${facetsShown ? "open" : "hidden"} at ${name} px`);
      }

      // No paragraph twice on a record page.
      for (const url of ["/agreements/treaty-permanent-good-neighborliness", "/agreements/astana-declaration", "/projects/china-kyrgyzstan-uzbekistan-railway"]) {
        await page.goto(BASE + url);
        const paras = await page.locator("figure.citation").evaluateAll((fs) => fs.map((f) => f.dataset.paragraph));
        if (new Set(paras).size !== paras.length || paras.length === 0) bad.push(`${url}: paragraphs ${paras.join(", ")}`);
      }

      // Timeline: every target at least 24 px with a visible label.
      await page.goto(BASE + "/timeline");
      const targets = phone
        ? await page.locator("ol.timeline-list .tl-entry a:visible, nav.years a").evaluateAll((as) => as.map((a) => ({ r: a.getBoundingClientRect(), label: a.innerText.trim() })))
        : await page.locator("svg.timeline .marks a").evaluateAll((as) => as.map((a) => {
            const t = a.querySelector("text.label");
            const tr = t.getBoundingClientRect();
            return { r: a.getBoundingClientRect(), label: t.textContent.trim(), shown: getComputedStyle(t).display !== "none" && tr.width > 0, size: parseFloat(getComputedStyle(t).fontSize) * (a.ownerSVGElement.getBoundingClientRect().width / a.ownerSVGElement.viewBox.baseVal.width) };
          }));
      if (targets.length < 15) bad.push(`timeline: only ${targets.length} targets`);
      for (const t of targets) {
        if (t.r.height < 24 || t.r.width < 24) bad.push(`timeline: target ${t.label} is ${Math.round(t.r.width)}×${Math.round(t.r.height)} px`);
        if (!t.label || t.shown === false) bad.push(`timeline: a target without a visible label`);
        if (t.size !== undefined && t.size < 12) bad.push(`timeline: label ${t.label} at ${t.size.toFixed(1)} px`);
      }
      if (!phone) {
        const axis = await page.locator("svg.timeline .ticks text").evaluateAll((ts) => ts.map((t) => t.getBoundingClientRect().height));
        if (axis.length < 10 || Math.min(...axis) < 12) bad.push(`timeline: axis labels ${axis.map(Math.round)}`);
      }
      if (phone !== (await page.locator(".phone-note").isVisible())) bad.push("timeline: the phone note");

      // Map: the caption names the direction the scheme's shading runs.
      await page.goto(BASE + "/map");
      const caption = await page.locator(".map-caption").innerText();
      const [few, many] = await page.evaluate(() => ["shade-1", "shade-4"].map((c) => getComputedStyle(document.querySelector(`.swatch.${c}`)).backgroundColor));
      const darkerMeansMore = luminance(many) < luminance(few);
      if (darkerMeansMore !== caption.includes("颜色越深")) bad.push(`map ${scheme}: caption "${caption.slice(0, 40)}" but shade-4 ${many} vs shade-1 ${few}`);
      if (caption.includes("颜色越深") === caption.includes("颜色越亮")) bad.push(`map ${scheme}: caption says both or neither`);
      const classes = await page.locator("svg.map .shapes a path").evaluateAll((ps) => ps.map((p) => p.getAttribute("class")));
      if (new Set(classes.filter((c) => c.startsWith("shade-"))).size < 3) bad.push(`map: shades ${classes}`);
      const scroll = await page.locator(".map-scroll").evaluate((d) => ({ scrolls: d.scrollWidth > d.clientWidth + 1 }));
      if (scroll.scrolls && !(await page.locator(".scroll-hint").isVisible())) bad.push("map: scrolls without saying so");

      // Afghanistan never under a parties heading.
      await page.goto(BASE + "/");
      const home = await page.evaluate(() => {
        const h = document.getElementById("countries");
        const out = [];
        for (let n = h.nextElementSibling; n && n.id !== "mentioned"; n = n.nextElementSibling) out.push(...[...n.querySelectorAll("a")].map((a) => a.getAttribute("href")));
        return out;
      });
      if (home.includes("/countries/afghanistan") || home.length !== 6) bad.push(`home: under ${await page.locator("#countries").innerText()}: ${home}`);
      for (const url of ["/agreements", "/agreements?group=none", "/initiatives", "/agreements?group=country", "/initiatives?group=country"]) {
        await page.goto(BASE + url);
        const found = await page.evaluate(() => {
          const heads = [...document.querySelectorAll("table.list thead th")].map((th) => th.innerText);
          const col = heads.findIndex((h) => /^(缔约方|涉及国家)/.test(h));
          const out = [];
          for (const tr of document.querySelectorAll("table.list tbody tr:not(.group)")) {
            const cell = tr.children[col];
            if (col >= 0 && cell && cell.querySelector('a[href="/countries/afghanistan"]')) out.push(tr.children[0].innerText);
          }
          for (const th of document.querySelectorAll("table.list tr.group th")) if (th.innerText.startsWith("阿富汗")) out.push("a group 阿富汗");
          return out;
        });
        if (found.length) bad.push(`${url}: Afghanistan as a party of ${found}`);
      }
      await page.goto(BASE + "/agreements/astana-declaration");
      const parties = await page.evaluate(() => [...document.querySelectorAll("dl.facts div")].filter((d) => d.querySelector("dt").innerText.startsWith("缔约方")).map((d) => d.querySelector("dd").innerHTML).join(""));
      if (!parties || parties.includes("afghanistan")) bad.push(`declaration parties: ${parties}`);

      assert(page.problems.length === 0, page.problems.join("\n"));
      await context.close();
      assert(bad.length === 0, bad.join("\n"));
    });
  }
}

// --- screenshots ---------------------------------------------------------------------
await check("screenshots of every page kind, desktop and phone", async () => {
  fs.mkdirSync(SHOTS, { recursive: true });
  for (const [name, viewport] of [["desktop", { width: 1280, height: 900 }], ["phone", { width: 375, height: 800 }]]) {
    const context = await browser.newContext({ viewport, deviceScaleFactor: name === "phone" ? 2 : 1 });
    const page = await context.newPage();
    for (const [kind, url] of Object.entries(PAGE_KINDS)) {
      await page.goto(BASE + url);
      await page.screenshot({ path: path.join(SHOTS, `${kind}-${name}.png`), fullPage: name === "phone" ? false : kind !== "source" });
    }
    await context.close();
  }
  console.log(`      saved in ${path.relative(root, SHOTS)}/`);
});

await browser.close();
server.kill("SIGTERM");
fs.rmSync(work, { recursive: true, force: true });
if (failures.length) console.log(`\nfailed:\n  ${failures.join("\n  ")}`);
console.log(`\nbrowser: ${passed} passed, ${failures.length} failed`);
process.exit(failures.length ? 1 : 0);
