// Shared set-up for the browser tests: the kaohe binary serving a fresh demo database, and
// Debian's Chromium driven by playwright-core (never a downloaded browser).
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { chromium } from "playwright-core";

export const CHROMIUM = process.env.KAOHE_CHROMIUM || "/usr/bin/chromium";
export const BIN = process.env.KAOHE_BIN;
export const PASSWORD = "Demo-pass-2009";
export const SHOTS = path.resolve(process.env.KAOHE_SCREENSHOTS || "../../target/browser-screenshots");
export const haveBrowser = existsSync(CHROMIUM) && !!BIN && existsSync(BIN);
if (!haveBrowser && process.env.CI === "true") {
  throw new Error(`CI=true but no browser (${CHROMIUM}) or no KAOHE_BIN (${BIN}): browser tests may not be skipped in CI`);
}

/** Starts `kaohe serve --demo` on a free port over a fresh data folder (`extra`: more flags,
 *  e.g. `--demo-orgs-only`). */
export async function startServer(extra = []) {
  mkdirSync(SHOTS, { recursive: true });
  const dataDir = mkdtempSync(path.join(tmpdir(), "kaohe-browser-"));
  const proc = spawn(BIN, ["--data-dir", dataDir, "serve", "--demo", ...extra, "--bind", "127.0.0.1:0"], {
    env: { ...process.env, KAOHE_DEMO_PASSWORD: PASSWORD, KAOHE_DATABASE_URL: "", KAOHE_MASTER_KEY: "" },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const base = await new Promise((resolve, reject) => {
    let out = "";
    const timer = setTimeout(() => reject(new Error("server did not start: " + out)), 180000);
    proc.stdout.on("data", (d) => {
      out += d;
      const m = out.match(/listening on (http:\/\/[\d.:]+)/);
      if (m) { clearTimeout(timer); resolve(m[1]); }
    });
    proc.on("exit", (code) => reject(new Error(`server exited ${code}: ${out}`)));
  });
  return { base, stop: () => { proc.kill("SIGTERM"); rmSync(dataDir, { recursive: true, force: true }); } };
}

/** Launches Debian's Chromium headless. */
export function launch() {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
}

/** A new browser context of viewport `vp` signed in as `user`; console errors are collected. */
export async function signedIn(browser, base, vp, user) {
  const ctx = await browser.newContext({ viewport: vp.viewport, isMobile: vp.isMobile, hasTouch: vp.isMobile, locale: "zh-CN" });
  const page = await ctx.newPage();
  const errors = [];
  page.on("console", (m) => { if (m.type() === "error") errors.push(m.text()); });
  await page.goto(base + "/login");
  await page.fill("input[name=username]", user);
  await page.fill("input[name=password]", PASSWORD);
  await page.click("button[type=submit]");
  await page.waitForURL(base + "/");
  return { ctx, page, errors };
}
