// Browser test: an editor imports a broken member file, reads the errors, checks the fixed file's
// preview, imports it and finds the records in the registry list — desktop and phone. Screenshots go to
// target/browser-screenshots/.
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

function idNumber(seq) {
  const body = `43040219850101${String(seq).padStart(3, "0")}`;
  const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const s = [...body].reduce((acc, c, i) => acc + Number(c) * w[i], 0);
  return body + "10X98765432"[s % 11];
}

const viewports = [
  { name: "desktop", viewport: { width: 1280, height: 800 }, isMobile: false, seq: 100 },
  { name: "phone", viewport: { width: 390, height: 844 }, isMobile: true, seq: 200 },
];

for (const vp of viewports) {
  test(`import members with an error report, fix, list (${vp.name})`, { skip: !haveBrowser && "no browser" }, async () => {
    const { ctx, page, errors } = await signedIn(browser, server.base, vp, "editor");
    await page.goto(server.base + "/registries");
    await page.screenshot({ path: `${SHOTS}/registries-${vp.name}.png`, fullPage: true });
    await page.click("a[href='/registries/members']");
    await page.click("a[href='/registries/members/import']");

    const head = "所属组织,姓名,公民身份号码,工作单位,入会日期,会员类别\n";
    const a = idNumber(vp.seq + 1), b = idNumber(vp.seq + 2);
    const broken = head + `HY-ZZB,张${vp.name},${a},衡阳钢管集团,2009-03-05,职工\nHY-ZZB,李${vp.name},4.30104E+17,衡阳钢管集团,2009/3/5,农民工\n`;
    await page.setInputFiles("input[name=file]", { name: "members.csv", mimeType: "text/csv", buffer: Buffer.from(broken) });
    await page.click("#import-form button[type=submit]");
    await page.waitForSelector("table.errors");
    assert.match(await page.textContent("table.errors"), /C 公民身份号码/);
    await page.screenshot({ path: `${SHOTS}/import-errors-${vp.name}.png`, fullPage: true });

    const fixed = head + `HY-ZZB,张${vp.name},${a},衡阳钢管集团,2009-03-05,职工\nHY-ZZB,李${vp.name},${b},衡阳钢管集团,2009/3/5,农民工\n`;
    await page.setInputFiles("input[name=file]", { name: "members.csv", mimeType: "text/csv", buffer: Buffer.from(fixed) });
    await page.click("#import-form button[type=submit]");
    // Checked and previewed first: the rows as they will be stored (2009/3/5 as 2009-03-05, the ID
    // masked); nothing written until 确认导入.
    await page.waitForSelector("table.preview");
    const preview = await page.textContent("table.preview");
    assert.match(preview, /2009-03-05/);
    assert.ok(!preview.includes(b) && !preview.includes("2009/3/5"), preview);
    assert.match(await page.textContent(".job .notice"), /检查通过,未写入/);
    await page.screenshot({ path: `${SHOTS}/import-preview-${vp.name}.png`, fullPage: true });
    await page.click(".job button[name=confirm]");
    await page.waitForSelector(".job .notice:not(:has-text('未写入'))");
    assert.match(await page.textContent(".job .notice"), /新建 2/);
    await page.screenshot({ path: `${SHOTS}/import-done-${vp.name}.png`, fullPage: true });

    await page.goto(server.base + `/registries/members?q.name=${encodeURIComponent(vp.name)}`);
    const table = await page.textContent("table.records");
    assert.match(table, new RegExp(`张${vp.name}`));
    assert.ok(!table.includes(a), "ID numbers are masked in the list");
    await page.screenshot({ path: `${SHOTS}/members-list-${vp.name}.png`, fullPage: true });
    await page.click("table.records tbody tr:first-child a");
    await page.waitForSelector("#record-form");
    await page.screenshot({ path: `${SHOTS}/member-record-${vp.name}.png`, fullPage: true });
    assert.deepEqual(errors.filter((e) => !e.includes("favicon")), [], "no console errors (CSP violations included)");
    await ctx.close();
  });
}
