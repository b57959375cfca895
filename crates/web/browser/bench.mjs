// The in-browser figure for BENCHMARKS.md: one export dropped into the app (served by
// `walkaway app --no-open`) in headless Chromium; prints the seconds from handing the file to
// the page to the report on screen, and the peak resident memory of Chromium's processes.
// Usage: node bench.mjs FILE "NAME OF THE USER"   (WALKAWAY_BIN, CHROMIUM as in test.mjs)
import { spawn, execFileSync } from 'node:child_process';
import { resolve, join } from 'node:path';
import { createInterface } from 'node:readline';
import { chromium } from 'playwright-core';

const root = resolve(new URL('../../..', import.meta.url).pathname);
const bin = process.env.WALKAWAY_BIN || join(root, 'target/debug/walkaway');
const [file, me] = process.argv.slice(2);
const server = spawn(bin, ['app', '--no-open'], { stdio: ['ignore', 'pipe', 'inherit'] });
const url = await new Promise((res, rej) => {
  createInterface({ input: server.stdout }).on('line', (l) => {
    const m = l.match(/http:\/\/127\.0\.0\.1:\d+\//);
    if (m) res(m[0]);
  });
  server.on('exit', () => rej(new Error('walkaway app exited')));
});
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
    '--disable-component-update', '--no-first-run'],
});
// Peak resident memory of every Chromium process, sampled every 50 ms.
const rss = () => {
  try {
    return execFileSync('ps', ['-C', 'chromium', '-o', 'rss=']).toString().split('\n')
      .filter(Boolean).reduce((a, v) => a + Number(v), 0) * 1024;
  } catch (e) { return 0; }
};
let peak = 0;
const sampler = setInterval(() => { peak = Math.max(peak, rss()); }, 50);
try {
  const page = await browser.newPage();
  page.setDefaultTimeout(120_000);
  await page.goto(url);
  await page.waitForFunction(() => document.getElementById('status').textContent.startsWith('Ready'));
  const base = rss();
  const t0 = Date.now();
  await page.setInputFiles('#files', [file]);
  await page.waitForSelector('#ask:not([hidden])');
  const t1 = Date.now();
  if (await page.locator('#me-field').isVisible()) {
    await page.check(`#me-options input[value="${me}"]`);
  }
  await page.click('#go');
  await page.waitForSelector('#result:not([hidden])');
  await page.waitForFunction(() => {
    const d = document.getElementById('report').contentDocument;
    return d && d.body && d.body.textContent.length > 100;
  });
  const t2 = Date.now();
  console.log(JSON.stringify({
    read_and_inspect_s: (t1 - t0) / 1000,
    analyse_and_render_s: (t2 - t1) / 1000,
    total_s: (t2 - t0) / 1000,
    chromium_peak_rss_mib: Math.round(peak / 1048576),
    chromium_idle_rss_mib: Math.round(base / 1048576),
    status: await page.textContent('#status'),
  }));
} finally {
  clearInterval(sampler);
  await browser.close();
  server.kill();
}
