// Browser test: a demo user logs in, creates an org with its 考核分组, and finds it in the org tree (by name, by
// expanding, and another by pinyin initials) — on a desktop
// and a phone viewport — in Debian's Chromium driven by playwright-core. Screenshots are kept
// under target/browser-screenshots/.
//
// Needs KAOHE_BIN (the built binary). Under CI=true a missing browser is a failure, not a skip.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startServer, launch, haveBrowser, SHOTS, PASSWORD } from "./harness.mjs";

let server, browser, base;

before(async () => {
  if (!haveBrowser) return;
  server = await startServer();
  base = server.base;
  browser = await launch();
});

after(async () => {
  await browser?.close();
  server?.stop();
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
    await page.fill("#create-org input[name=groups]", "产业工会，试点");
    await page.click("#create-org button[type=submit]");
    await page.waitForSelector(`h1:has-text("${name}")`);
    // Its groups for assessment, as typed with a full-width comma, kept one by one.
    assert.equal((await page.textContent("#org-groups")).trim(), "产业工会、试点");
    await page.screenshot({ path: `${SHOTS}/org-created-${vp.name}.png`, fullPage: true });

    // Find it in the tree by search, and by expanding the city.
    await page.goto(base + "/orgs");
    await page.fill("input.search", name.slice(0, 6));
    await page.waitForSelector(`#search-results a:has-text("${name}")`);
    await page.waitForSelector(`#tree a:has-text("${name}")`);
    await page.screenshot({ path: `${SHOTS}/org-found-${vp.name}.png`, fullPage: true });
    // Pinyin initials find an org too: 耒阳市总工会 → lyszgh.
    await page.fill("input.search", "lysz");
    await page.waitForSelector(`#search-results a:has-text("耒阳市总工会")`);
    await page.screenshot({ path: `${SHOTS}/org-pinyin-${vp.name}.png`, fullPage: true });
    assert.deepEqual(errors.filter((e) => !e.includes("favicon")), [], "no console errors (CSP violations included)");
    await ctx.close();
  });
}
