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
  const queue = ["/", ...Object.values(PAGE_KINDS)];
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
    const [target, frag] = href.split("#");
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
    for (const [kind, url] of Object.entries(PAGE_KINDS)) {
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
    [...document.querySelectorAll("a[href], button, input, select, textarea, [tabindex]")].filter((e) => !e.hidden && e.tabIndex >= 0 && e.offsetParent !== null).length,
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
