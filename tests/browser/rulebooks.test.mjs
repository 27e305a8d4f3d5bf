// Browser test: the city's 考核办 writes a year's 考核办法 in the app — starts it from the
// built-in model, makes a mistake and sees it located as she types, corrects it, saves the
// draft, changes an item in its form, adds a grade band and a veto item in theirs, tries it on the current data (试算), publishes it and finds it in force — on a desktop
// and a phone viewport, with no console error. Screenshots under target/browser-screenshots/
// (rulebook-*.png).
//
// Needs KAOHE_BIN (the built binary). Under CI=true a missing browser is a failure, not a skip.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startServer, launch, haveBrowser, signedIn, SHOTS } from "./harness.mjs";

let server, browser, base;

before(async () => {
  if (!haveBrowser) return;
  server = await startServer(["--demo-orgs-only"]);
  base = server.base;
  browser = await launch();
});

after(async () => {
  await browser?.close();
  server?.stop();
});

const viewports = [
  { name: "desktop", viewport: { width: 1280, height: 900 }, isMobile: false, year: 2026 },
  { name: "phone", viewport: { width: 390, height: 844 }, isMobile: true, year: 2027 },
];

for (const vp of viewports) {
  test(`a year's rulebook written, tried and published (${vp.name})`, { skip: !haveBrowser && "no browser" }, async () => {
    const { ctx, page, errors } = await signedIn(browser, base, vp, "kaoheban");
    page.on("dialog", (d) => d.accept());
    await page.goto(base + "/rulebooks");
    await page.fill("input[name=year]", String(vp.year));
    await page.selectOption("select[name=from]", "2009");
    await page.click("form[action='/rulebooks/start'] button[type=submit]");
    await page.waitForURL(base + `/rulebooks/${vp.year}`);
    const editor = page.locator("textarea[name=text]");
    const text = await editor.inputValue();
    assert.match(text, new RegExp(`year = ${vp.year}`));

    // A mistake, located as she types.
    await editor.fill(text.replace('indicator = "new_unions"', 'indicator = "new_unionz"'));
    await page.waitForSelector("#check .notice.error");
    const problem = await page.textContent("#check");
    assert.match(problem, /\d+:\d+ 没有指标“new_unionz”/);
    assert.match(problem, /\^/);
    await page.screenshot({ path: `${SHOTS}/rulebook-mistake-${vp.name}.png`, fullPage: false });

    // Corrected and saved; tried on the current data.
    await editor.fill(text.replace("weight = 5", "weight = 5"));
    await page.waitForSelector("#check .ok");
    await page.click("button[hx-post$='/draft']");
    await page.waitForFunction(() => document.querySelector("#check")?.textContent.includes("草稿已保存"));

    // Item by item: an item's form from the list; its 分值 changed, the total no longer adds
    // up (said on the form, the typing kept), changed back: the draft adds up again.
    await page.goto(base + `/rulebooks/${vp.year}`);
    const first = page.locator("#draft-items ul.item-list a").first();
    await first.click();
    await page.waitForSelector("#item-form");
    const weight = await page.inputValue("input[name=weight]");
    const more = String(Number(weight) + 1);
    await page.fill("input[name=weight]", more);
    await page.click("#item-form button[type=submit]");
    await page.waitForSelector(".error[role=alert]");
    assert.match(await page.textContent(".error[role=alert]"), /分值合计/);
    assert.equal(await page.inputValue("input[name=weight]"), more);
    await page.screenshot({ path: `${SHOTS}/rulebook-item-${vp.name}.png`, fullPage: true });
    await page.fill("input[name=weight]", weight);
    await page.click("#item-form button[type=submit]");
    await page.waitForURL(new RegExp(`/rulebooks/${vp.year}#edit$`));
    assert.equal(await page.locator("#check .notice.error").count(), 0, "the draft adds up again");

    // The rest in forms: a grade band added below the lowest (now from 40) and the tie rule chosen; a veto item added with its
    // indicator chosen by name; who is assessed saved as it stands.
    await page.click(`a[href='/rulebooks/${vp.year}/general']`);
    await page.waitForSelector("#general-form");
    const names = page.locator("#general-form input[name=grade_zh]");
    const spare = (await names.count()) - 2;
    await page.locator("#general-form input[name=grade_min]").nth(spare - 1).fill("40");
    await names.nth(spare).fill("较差");
    await page.locator("#general-form input[name=grade_min]").nth(spare).fill("0");
    await page.selectOption("select[name=tie_break]", "shared");
    await page.screenshot({ path: `${SHOTS}/rulebook-general-${vp.name}.png`, fullPage: true });
    await page.click("#general-form button[type=submit]");
    await page.waitForURL(new RegExp(`/rulebooks/${vp.year}#edit$`));
    await page.click(`a[href='/rulebooks/${vp.year}/vetoes/new']`);
    await page.waitForSelector("#part-form");
    await page.fill("#part-form input[name=name_zh]", "安全生产");
    await page.selectOption("#part-form select[name=indicator]", "stability_incidents");
    await page.fill("#part-form textarea[name=clause]", "第十条(三):发生重大安全事故的,一票否决。");
    await page.screenshot({ path: `${SHOTS}/rulebook-veto-${vp.name}.png`, fullPage: true });
    await page.click("#part-form button[type=submit]");
    await page.waitForURL(new RegExp(`/rulebooks/${vp.year}#edit$`));
    assert.match(await page.textContent("#draft-vetoes"), /安全生产/);
    assert.match(await editor.inputValue(), /tie_break = "shared"/);
    await page.click(`a[href='/rulebooks/${vp.year}/assessed']`);
    await page.click("#assessed-form button[type=submit]");
    await page.waitForURL(new RegExp(`/rulebooks/${vp.year}#edit$`));
    assert.equal(await page.locator("#check .notice.error").count(), 0, "the draft still checks");
    await page.click("button[hx-post$='/trial']");
    await page.waitForSelector("#trial table");
    const rows = await page.locator("#trial tbody tr").count();
    assert.ok(rows > 0, "the trial scores the assessed orgs");
    await page.screenshot({ path: `${SHOTS}/rulebook-trial-${vp.name}.png`, fullPage: false });

    // Published (after the confirmation): in force, cited by its version.
    await page.click("form.editor button[type=submit]");
    await page.waitForSelector(".notice[role=status]");
    assert.match(await page.textContent(".notice[role=status]"), new RegExp(`已发布考核办法 ${vp.year}-v1`));
    await page.goto(base + "/rulebooks");
    const row = page.locator("tr", { hasText: String(vp.year) });
    assert.match(await row.first().textContent(), /本会制定/);
    await page.screenshot({ path: `${SHOTS}/rulebook-list-${vp.name}.png`, fullPage: true });

    // Nothing wider than the screen on a phone.
    const wide = await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth + 1);
    assert.equal(wide, false, "no sideways scrolling");
    // The item form answered 422 on purpose (the form again, with its problems): Chromium logs
    // that status; anything else is a failure.
    assert.deepEqual(errors.filter((e) => !e.includes("status of 422")), []);
    await ctx.close();
  });
}
