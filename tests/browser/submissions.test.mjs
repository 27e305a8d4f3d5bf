// Browser test: the submission flow. 组织部's clerk fills in the cadre figures, a failed
// consistency check is shown and fixed, the submission goes to the city's reviewer, who returns
// it with a reason; the clerk resubmits and the reviewer approves — desktop, with the form also
// looked at on a phone. Screenshots go to target/browser-screenshots/.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startServer, launch, haveBrowser, signedIn, SHOTS } from "./harness.mjs";

let server, browser;
before(async () => {
  if (!haveBrowser) return;
  server = await startServer(["--demo-orgs-only"]);
  browser = await launch();
});
after(async () => {
  await browser?.close();
  server?.stop();
});

const desktop = { viewport: { width: 1280, height: 800 }, isMobile: false };
const phone = { viewport: { width: 390, height: 844 }, isMobile: true };

async function fill(page, degree) {
  await page.fill("input[name=cadre_avg_age_before]", "46.3");
  await page.fill("input[name=cadre_avg_age_after]", "38.9");
  await page.fill("input[name=cadre_degree_before]", "50");
  await page.fill("input[name=cadre_degree_after]", degree);
  await page.fill("input[name=staff_selected]", "4");
  await page.fill("textarea[name=narrative]", "对机关各部室进行了调整,中层干部竞争上岗。");
}

test("submit, check, return, resubmit, approve", { skip: !haveBrowser && "no browser" }, async () => {
  const clerk = await signedIn(browser, server.base, desktop, "editor");
  const p = clerk.page;
  await p.goto(server.base + "/submissions?year=2009");
  await p.click("text=机关干部队伍建设情况");
  await fill(p, "120");
  await p.click("button[value=submit]");
  await p.waitForSelector(".errors");
  assert.match(await p.textContent(".errors"), /调整后本科以上学历比例不能超过100%/);
  await p.screenshot({ path: `${SHOTS}/submission-check-failed.png`, fullPage: true });
  await fill(p, "69");
  await p.click("button[value=submit]");
  await p.waitForSelector(".state.submitted");
  const form = p.url();

  const reviewer = await signedIn(browser, server.base, desktop, "reviewer");
  const r = reviewer.page;
  await r.goto(server.base + "/inbox");
  assert.match(await r.textContent("main"), /组织部/);
  await r.screenshot({ path: `${SHOTS}/inbox.png`, fullPage: true });
  await r.click("text=机关干部队伍建设情况");
  await r.fill("textarea[name=reason]", "请补充竞争上岗方案");
  await r.click("button[value=return]");
  await r.waitForURL(server.base + "/inbox");

  await p.goto(form);
  assert.match(await p.textContent("main"), /请补充竞争上岗方案/);
  await p.click("button[value=submit]");
  await p.waitForSelector(".state.submitted");

  await r.goto(form);
  await r.click("button[value=approve]");
  await r.waitForURL(server.base + "/inbox");
  await p.goto(form);
  await p.waitForSelector(".state.approved");
  assert.match(await p.textContent("table"), /审核通过/);
  await p.screenshot({ path: `${SHOTS}/submission-approved.png`, fullPage: true });

  const small = await signedIn(browser, server.base, phone, "editor");
  await small.page.goto(form);
  await small.page.screenshot({ path: `${SHOTS}/submission-phone.png`, fullPage: true });
  for (const s of [clerk, reviewer, small]) {
    // The refused submission comes back as a 422 page, which Chromium logs; nothing else may.
    assert.deepEqual(s.errors.filter((e) => !/status of 422/.test(e)), [], "no console errors");
    await s.ctx.close();
  }
});
