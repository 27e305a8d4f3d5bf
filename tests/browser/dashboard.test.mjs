// Browser test: the dashboard and the year-end report on the whole demo city. Every chart draws
// (a canvas with painted pixels) on a desktop and on a phone with no console error (the strict
// CSP included); the report is generated with a progress display and offers its four files; a
// figure in the HTML report leads to the records behind it. Screenshots of the dashboard go to
// docs/screenshots/ for the README, the rest to target/browser-screenshots/.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import path from "node:path";
import { mkdirSync } from "node:fs";
import { startServer, launch, haveBrowser, signedIn, SHOTS } from "./harness.mjs";

const DOCS = path.resolve("../../docs/screenshots");
const CHARTS = ["sections", "ranking", "trend", "heatmap", "lights"];
let server, browser;
before(async () => {
  if (!haveBrowser) return;
  mkdirSync(DOCS, { recursive: true });
  server = await startServer();
  browser = await launch();
});
after(async () => {
  await browser?.close();
  server?.stop();
});

const desktop = { viewport: { width: 1280, height: 900 }, isMobile: false };
const phone = { viewport: { width: 390, height: 844 }, isMobile: true };

/** Painted pixels of each chart's canvas. */
async function painted(page) {
  await page.waitForFunction((n) => document.querySelectorAll(".chart canvas").length >= n, CHARTS.length);
  return page.evaluate((ids) => ids.map((id) => {
    const c = document.querySelector(`#chart-${id} canvas`);
    if (!c || !c.width || !c.height) return 0;
    const data = c.getContext("2d").getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 3; i < data.length; i += 4) if (data[i] > 0) n++;
    return n;
  }), CHARTS);
}

for (const [name, vp] of [["desktop", desktop], ["phone", phone]]) {
  test(`every chart draws on a ${name}`, { skip: !haveBrowser && "no browser" }, async () => {
    const s = await signedIn(browser, server.base, vp, "kaoheban");
    await s.page.goto(server.base + "/dashboard?year=2009");
    const pixels = await painted(s.page);
    CHARTS.forEach((c, i) => assert.ok(pixels[i] > 500, `${c}: ${pixels[i]} painted pixels`));
    // Tooltips under the strict CSP: hovering every chart breaks no style-src rule.
    await s.page.evaluate(() => {
      window.__cspViolations = 0;
      document.addEventListener("securitypolicyviolation", () => window.__cspViolations++);
    });
    for (const c of CHARTS) {
      const box = await s.page.locator(`#chart-${c} canvas`).first().boundingBox();
      if (!box) continue;
      for (const [fx, fy] of [[0.5, 0.5], [0.3, 0.6], [0.7, 0.4]]) {
        await s.page.mouse.move(box.x + box.width * fx, box.y + box.height * fy);
        await s.page.waitForTimeout(120);
      }
    }
    assert.equal(await s.page.evaluate(() => window.__cspViolations), 0, "CSP violations while hovering charts");
    // The tables hold the same figures: the ranking lists the assessed departments and counties.
    assert.match(await s.page.textContent("#card-ranking table"), /组织部/);
    await s.page.screenshot({ path: `${DOCS}/dashboard-${name}.png`, fullPage: name === "desktop" });
    assert.deepEqual(s.errors, [], "no console errors");
    await s.ctx.close();
  });
}

test("generate the report, download it, follow a figure to its records", { skip: !haveBrowser && "no browser" }, async () => {
  const s = await signedIn(browser, server.base, desktop, "kaoheban");
  const p = s.page;
  await p.goto(server.base + "/report?year=2009");
  await p.click("form[hx-post='/report/jobs'] button[type=submit]");
  await p.waitForSelector(".downloads a", { timeout: 120000 });
  const files = await p.$$eval(".downloads a", (as) => as.map((a) => a.textContent));
  assert.deepEqual(files.map((f) => f.split(".").pop()), ["docx", "html", "md", "xlsx"]);
  await p.screenshot({ path: `${SHOTS}/report-page.png`, fullPage: true });
  const [download] = await Promise.all([p.waitForEvent("download"), p.click(".downloads a >> nth=0")]);
  assert.match(download.suggestedFilename(), /2009年工作汇报\.docx$/);

  await p.goto(server.base + "/report/view?year=2009");
  await p.screenshot({ path: `${DOCS}/report-html.png` });
  const figure = p.locator("a.figure", { hasText: "573家" });
  await figure.click();
  await p.waitForURL(/\/indicators\/drill\?key=new_unions/);
  assert.match(await p.textContent("main"), /573/);
  await p.screenshot({ path: `${SHOTS}/report-drill.png` });
  assert.deepEqual(s.errors, [], "no console errors");
  await s.ctx.close();
});
