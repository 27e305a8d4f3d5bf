// Browser test: a user sets up a second factor on 我的账户 by scanning the QR code (here: reading
// the key beside it, as a phone app would take it), then signs in with the password and a code
// — on a desktop and a phone viewport, with no CSP violation. Screenshots under
// target/browser-screenshots/ (account-second-factor-*.png, login-code-*.png).
//
// Needs KAOHE_BIN (the built binary). Under CI=true a missing browser is a failure, not a skip.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { startServer, launch, haveBrowser, SHOTS, PASSWORD } from "./harness.mjs";

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

/** The 6-digit TOTP code (RFC 6238: HMAC-SHA-1, 30 s) of a base32 key for time step `step`. */
function totp(key, step) {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  let bits = "";
  for (const c of key.replace(/=+$/, "")) bits += alphabet.indexOf(c).toString(2).padStart(5, "0");
  const bytes = Buffer.from(bits.match(/.{8}/g).map((b) => parseInt(b, 2)));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(step));
  const h = createHmac("sha1", bytes).update(counter).digest();
  const o = h[19] & 15;
  return String((h.readUInt32BE(o) & 0x7fffffff) % 1000000).padStart(6, "0");
}

const viewports = [
  { name: "desktop", viewport: { width: 1280, height: 900 }, isMobile: false, user: "sysadmin" },
  { name: "phone", viewport: { width: 390, height: 844 }, isMobile: true, user: "kaoheban" },
];

for (const vp of viewports) {
  test(`a second factor set up and used to sign in (${vp.name})`, { skip: !haveBrowser && "no browser" }, async () => {
    const ctx = await browser.newContext({ viewport: vp.viewport, isMobile: vp.isMobile, hasTouch: vp.isMobile, locale: "zh-CN" });
    const page = await ctx.newPage();
    const errors = [];
    page.on("console", (m) => { if (m.type() === "error") errors.push(m.text()); });
    const signIn = async () => {
      await page.goto(base + "/login");
      await page.fill("input[name=username]", vp.user);
      await page.fill("input[name=password]", PASSWORD);
      await page.click("button[type=submit]");
    };
    await signIn();
    await page.waitForURL(base + "/");
    await page.goto(base + "/account");
    await page.click("#second-factor button[type=submit]");
    await page.waitForSelector(".qr svg");
    await page.screenshot({ path: `${SHOTS}/account-second-factor-${vp.name}.png`, fullPage: true });
    const key = (await page.textContent("#totp-secret")).replace(/\s/g, "");
    assert.match(key, /^[A-Z2-7]{32}$/);
    const step = Math.floor(Date.now() / 1000 / 30);
    await page.fill("#second-factor input[name=code]", totp(key, step));
    await page.click("#second-factor button[type=submit]");
    await page.waitForURL(base + "/account");
    assert.ok((await page.textContent(".facts")).includes("已启用"), "the account page says it is on");

    // Sign out and in again: the password, then a code (the next step's: each code works once).
    // (On a phone the menu is folded: submit the form itself.)
    await page.$eval("form[action='/logout']", (f) => f.submit());
    await page.waitForURL(base + "/login");
    await signIn();
    await page.waitForSelector("input[name=code]");
    await page.screenshot({ path: `${SHOTS}/login-code-${vp.name}.png`, fullPage: true });
    await page.fill("input[name=code]", totp(key, step + 1));
    await page.click("button[type=submit]");
    await page.waitForURL(base + "/");
    assert.deepEqual(errors.filter((e) => /Content Security Policy/.test(e)), [], "no CSP violation");
    await ctx.close();
  });
}
