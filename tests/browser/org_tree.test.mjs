// Browser test: a demo user logs in, creates an org, and finds it in the org tree — on a desktop
// and a phone viewport — in Debian's Chromium driven by playwright-core. Screenshots are kept
// under target/browser-screenshots/.
//
// Needs KAOHE_BIN (the built binary). Under CI=true a missing browser is a failure, not a skip.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { chromium } from "playwright-core";

const CHROMIUM = process.env.KAOHE_CHROMIUM || "/usr/bin/chromium";
const BIN = process.env.KAOHE_BIN;
const PASSWORD = "Demo-pass-2009";
const SHOTS = path.resolve(process.env.KAOHE_SCREENSHOTS || "../../target/browser-screenshots");
const haveBrowser = existsSync(CHROMIUM) && BIN && existsSync(BIN);
if (!haveBrowser && process.env.CI === "true") {
  throw new Error(`CI=true but no browser (${CHROMIUM}) or no KAOHE_BIN (${BIN}): browser tests may not be skipped in CI`);
}

let server, base, dataDir, browser;

before(async () => {
  if (!haveBrowser) return;
  mkdirSync(SHOTS, { recursive: true });
  dataDir = mkdtempSync(path.join(tmpdir(), "kaohe-browser-"));
  server = spawn(BIN, ["--data-dir", dataDir, "serve", "--demo", "--bind", "127.0.0.1:0"], {
    env: { ...process.env, KAOHE_DEMO_PASSWORD: PASSWORD, KAOHE_DATABASE_URL: "" },
    stdio: ["ignore", "pipe", "inherit"],
  });
  base = await new Promise((resolve, reject) => {
    let out = "";
    const timer = setTimeout(() => reject(new Error("server did not start: " + out)), 60000);
    server.stdout.on("data", (d) => {
      out += d;
      const m = out.match(/listening on (http:\/\/[\d.:]+)/);
      if (m) { clearTimeout(timer); resolve(m[1]); }
    });
    server.on("exit", (code) => reject(new Error(`server exited ${code}: ${out}`)));
  });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
});

after(async () => {
  await browser?.close();
  server?.kill("SIGTERM");
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

const viewports = [
  { name: "desktop", viewport: { width: 1280, height: 800 }, isMobile: false },
  { name: "phone", viewport: { width: 390, height: 844 }, isMobile: true },
];

for (const vp of viewports) {
  test(`create an org and find it in the tree (${vp.name})`, { skip: !haveBrowser && "no browser" }, async () => {
    const ctx = await browser.newContext({ viewport: vp.viewport, isMobile: vp.isMobile, hasTouch: vp.isMobile, locale: "zh-CN" });
    const page = await ctx.newPage();
    const errors = [];
    page.on("console", (m) => { if (m.type() === "error") errors.push(m.text()); });
    await page.goto(base + "/login");
    await page.screenshot({ path: `${SHOTS}/login-${vp.name}.png`, fullPage: true });
    await page.fill("input[name=username]", "sysadmin");
    await page.fill("input[name=password]", PASSWORD);
    await page.click("button[type=submit]");
    await page.waitForURL(base + "/");
    assert.match(await page.textContent("h1"), /sysadmin/);
    await page.screenshot({ path: `${SHOTS}/home-${vp.name}.png`, fullPage: true });

    // The tree loads the city's children lazily; open the city's page from it.
    if (vp.isMobile) await page.click("button.menu");
    await page.click("nav#nav a[href='/orgs']");
    await page.waitForSelector("#tree ul.kids li.node");
    assert.ok(await page.isVisible("text=耒阳市总工会"));
    await page.screenshot({ path: `${SHOTS}/org-tree-${vp.name}.png`, fullPage: true });
    await page.click("#tree > li.node > a");
    await page.waitForSelector("#create-org");

    const code = `HY-T${vp.name.toUpperCase()}`;
    const name = `测试新建工会${vp.name}`;
    await page.fill("#create-org input[name=code]", code);
    await page.fill("#create-org input[name=name]", name);
    await page.selectOption("#create-org select[name=kind]", "grassroots");
    await page.click("#create-org button[type=submit]");
    await page.waitForSelector(`h1:has-text("${name}")`);
    await page.screenshot({ path: `${SHOTS}/org-created-${vp.name}.png`, fullPage: true });

    // Find it in the tree by search, and by expanding the city.
    await page.goto(base + "/orgs");
    await page.fill("input.search", name.slice(0, 6));
    await page.waitForSelector(`#search-results a:has-text("${name}")`);
    await page.waitForSelector(`#tree a:has-text("${name}")`);
    await page.screenshot({ path: `${SHOTS}/org-found-${vp.name}.png`, fullPage: true });
    assert.deepEqual(errors.filter((e) => !e.includes("favicon")), [], "no console errors (CSP violations included)");
    await ctx.close();
  });
}
