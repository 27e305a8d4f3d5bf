// Browser test: a leader opens the indicator catalogue of the demo city, finds the seed's figures,
// drills a figure down to its records, opens a section's org × indicator table, and types a
// formula in the editor: a mistake shows line:column with a caret as they type, the fix shows the
// figure — desktop and phone. Screenshots go to target/browser-screenshots/.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startServer, launch, haveBrowser, signedIn, SHOTS } from "./harness.mjs";

let server, browser;
before(async () => {
  if (!haveBrowser) return;
  server = await startServer();
  browser = await launch();
});
after(async () => {
  await browser?.close();
  server?.stop();
});

const viewports = [
  { name: "desktop", viewport: { width: 1280, height: 900 }, isMobile: false },
  { name: "phone", viewport: { width: 390, height: 844 }, isMobile: true },
];

for (const vp of viewports) {
  test(`indicators: catalogue, drill-down, table, editor (${vp.name})`, { skip: !haveBrowser && "no browser" }, async () => {
    const { ctx, page, errors } = await signedIn(browser, server.base, vp, "leader");

    await page.goto(server.base + "/indicators");
    const catalogue = await page.textContent("main");
    assert.match(catalogue, /衡阳市总工会 · 2009年/);
    assert.match(catalogue, /55313 人/, "新增会员55313人");
    assert.match(catalogue, /72\.6%/, "职代会建制率 72.6%");
    assert.match(catalogue, /43%/, "法人资格证 比去年同期增长43%");
    await page.screenshot({ path: `${SHOTS}/indicators-${vp.name}.png`, fullPage: false });

    await page.click("a[href^='/indicators/drill?key=legal_certs_issued&']");
    await page.waitForSelector("table.records");
    assert.match(await page.textContent(".cards"), /348/);
    assert.equal(await page.locator("table.records tbody tr").count(), 50, "first page of the 348 certificates");
    await page.screenshot({ path: `${SHOTS}/indicator-drill-${vp.name}.png`, fullPage: false });

    await page.goto(server.base + "/indicators/congress_private_rate");
    assert.match(await page.textContent("table.figures tr.total"), /72\.6%/, "合计 recomputed over the scope");
    await page.screenshot({ path: `${SHOTS}/indicator-${vp.name}.png`, fullPage: false });

    await page.goto(server.base + "/indicators/table?section=" + encodeURIComponent("维权"));
    assert.match(await page.textContent("table.figures tr.total"), /1879 份/, "女职工专项集体合同1879份");
    await page.screenshot({ path: `${SHOTS}/indicator-table-${vp.name}.png`, fullPage: false });

    await page.goto(server.base + "/indicators/editor?key=congress_private_rate");
    await page.fill("textarea[name=formula]", 'ratio(congress_private_units,\n  count(units where ownershp = "非公有制"))');
    await page.waitForSelector(".formula-error");
    const wrong = await page.textContent(".formula-error");
    assert.match(wrong, /2:21/);
    assert.match(wrong, /ownership/, "did you mean ownership");
    assert.match(wrong, /\^/);
    await page.screenshot({ path: `${SHOTS}/indicator-editor-error-${vp.name}.png`, fullPage: false });
    await page.fill("textarea[name=formula]", "ratio(congress_private_units, above_scale_units)");
    await page.waitForSelector(".formula-ok");
    assert.match(await page.textContent(".formula-ok"), /72\.6%/);
    await page.screenshot({ path: `${SHOTS}/indicator-editor-${vp.name}.png`, fullPage: false });
    assert.deepEqual(errors.filter((e) => !e.includes("favicon")), [], "no console errors (CSP violations included)");
    await ctx.close();
  });
}
