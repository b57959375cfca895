// Browser test of the in-browser app, served by `walkaway app --no-open`, in Debian's Chromium
// driven by playwright-core. Run by crates/web/browser-test.sh. Asserts on what a person sees:
// the report's figures equal the command line's JSON, export text never runs, nothing is
// requested from anywhere but the page's own origin, no sideways scroll at 390 px, and the
// report is reachable with the keyboard. Screenshots go to target/. Waits are on conditions,
// each bounded; no sleeps.
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, statSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { chromium } from 'playwright-core';

const root = resolve(new URL('../../..', import.meta.url).pathname);
const bin = process.env.WALKAWAY_BIN || join(root, 'target/debug/walkaway');
const out = join(root, 'target');
const demo = join(root, 'examples/demo');
const chat = join(demo, 'WhatsApp Chat with Sam.txt');
const TIMEOUT = 60_000;
let failures = 0;
const check = (ok, what) => {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}`);
  if (!ok) failures++;
};

// The command line's JSON on the same settings.
const tmp = mkdtempSync(join(tmpdir(), 'walkaway-browser-'));
const env = { ...process.env, WALKAWAY_DB: join(tmp, 'w.db'), TZ: 'UTC' };
execFileSync(bin, ['import', join(demo, 'instagram')], { env });
const cliJson = JSON.parse(execFileSync(bin, ['report', chat, '--json', '--tz', 'UTC', '--me', 'Alex',
  '--stepback', '2026-10-01', '--as-of', '2026-10-31', '--instagram', 'sam.rivera'], { env }).toString());

// A chat whose names and messages are markup.
const hostile = join(tmp, 'WhatsApp Chat with Evil.txt');
writeFileSync(hostile, [
  '1/2/26, 10:00 - <script>window.__ran=1</script>: <img src=x onerror="window.__ran=2">',
  '1/2/26, 10:05 - Ben: where are you? <b>now</b>',
  '1/3/26, 09:00 - <script>window.__ran=1</script>: "><svg onload="window.__ran=3">',
  '1/3/26, 09:10 - Ben: ok',
].join('\n') + '\n');

// A WhatsApp export with media: the demo chat and 20 MiB of "video", as a zip of stored
// entries (written here: Debian's Node may lack zlib.crc32). Large enough that the worker
// reads it where it is (from 16 MiB), fetching the chat and never the video.
const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
const crc32 = (buf) => {
  let c = 0xffffffff;
  for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
};
function storedZip(entries) {
  const DATE = ((2026 - 1980) << 9) | (10 << 5) | 31; // 2026-10-31, 00:00
  const parts = [], central = [];
  let offset = 0;
  for (const { name, data } of entries) {
    const n = Buffer.from(name), crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0); local.writeUInt16LE(20, 4); local.writeUInt16LE(DATE, 12);
    local.writeUInt32LE(crc, 14); local.writeUInt32LE(data.length, 18); local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(n.length, 26);
    const c = Buffer.alloc(46);
    c.writeUInt32LE(0x02014b50, 0); c.writeUInt16LE(20, 4); c.writeUInt16LE(20, 6); c.writeUInt16LE(DATE, 14);
    c.writeUInt32LE(crc, 16); c.writeUInt32LE(data.length, 20); c.writeUInt32LE(data.length, 24);
    c.writeUInt16LE(n.length, 28); c.writeUInt32LE(offset, 42);
    parts.push(local, n, data);
    central.push(c, n);
    offset += 30 + n.length + data.length;
  }
  const cd = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0); end.writeUInt16LE(entries.length, 8); end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(cd.length, 12); end.writeUInt32LE(offset, 16);
  return Buffer.concat([...parts, cd, end]);
}
const mediaZip = join(tmp, 'WhatsApp Chat with Sam.zip');
writeFileSync(mediaZip, storedZip([
  { name: 'VID-20261001-WA0001.mp4', data: Buffer.alloc(20 << 20, 7) },
  { name: 'WhatsApp Chat with Sam.txt', data: readFileSync(chat) },
]));
// No --as-of: the data ends when the phone wrote the chat into the zip (its entry's date),
// which is also what the app prefills.
const zipArgs = ['--json', '--tz', 'UTC', '--me', 'Alex', '--stepback', '2026-10-01'];
// A database of its own: the demo's, which holds the same chat from the .txt, keeps that file's
// data end.
const cliZipJson = JSON.parse(execFileSync(bin, ['report', mediaZip, ...zipArgs],
  { env: { ...env, WALKAWAY_DB: join(tmp, 'zip.db') } }).toString());

// walkaway app on a free port; the first line it prints names the URL.
const server = spawn(bin, ['app', '--no-open'], { stdio: ['ignore', 'pipe', 'inherit'] });
const url = await new Promise((res, rej) => {
  const timer = setTimeout(() => rej(new Error('walkaway app printed no URL')), 15_000);
  createInterface({ input: server.stdout }).on('line', (line) => {
    const m = line.match(/http:\/\/127\.0\.0\.1:\d+\//);
    if (m) { clearTimeout(timer); res(m[0]); }
  });
  server.on('exit', (code) => rej(new Error(`walkaway app exited (${code})`)));
});
const origin = url.replace(/\/$/, '');

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
    '--disable-component-update', '--no-first-run'],
});
try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
  const foreign = [];
  context.on('request', (r) => {
    const u = r.url();
    if (!(u.startsWith(origin + '/') || u.startsWith('data:') || u.startsWith('blob:') || u === 'about:srcdoc')) {
      foreign.push(u);
    }
  });
  const page = await context.newPage();
  page.setDefaultTimeout(TIMEOUT);
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('dialog', (d) => { errors.push('dialog: ' + d.message()); d.dismiss(); });

  await page.goto(url);
  await page.waitForFunction(() => document.getElementById('status').textContent.startsWith('Ready'));
  check(true, 'the app starts (WebAssembly compiled from the page\'s own bytes)');
  const where = await page.evaluate(() => document.body.dataset.engine);
  check(where === 'worker', `the analysis runs in a Web Worker, off the page's thread (${where})`);

  // The demo: the WhatsApp chat and the Instagram folder.
  await page.setInputFiles('#files', [chat]);
  await page.setInputFiles('#folder', join(demo, 'instagram'));
  await page.waitForFunction(() => document.querySelectorAll('#found li').length === 2);
  const foundText = await page.locator('#found').innerText();
  check(/WhatsApp chat/.test(foundText) && /likes and comments/.test(foundText),
    `says what it found: ${foundText.replace(/\n/g, ' | ')}`);
  check(await page.locator('#me-field').isHidden(), 'does not ask who you are when the export says');
  check(await page.locator('#chat-field').isHidden(), 'does not ask which chat when there is one');
  const prefilled = await page.inputValue('#asof');
  const mtime = new Date(statSync(chat).mtimeMs).toISOString().slice(0, 10);
  check(prefilled >= '2026-10-30' && prefilled <= mtime, `"when did you export this?" prefilled (${prefilled})`);

  await page.click('#more summary');
  await page.fill('#tz', 'UTC');
  await page.fill('#asof', '2026-10-31');
  await page.fill('#stepback', '2026-10-01');
  await page.fill('#instagram', 'sam.rivera');
  // Keyboard only from here: Tab to the button, Enter.
  await page.focus('#instagram');
  let reached = false;
  for (let i = 0; i < 20 && !reached; i++) {
    await page.keyboard.press('Tab');
    reached = await page.evaluate(() => document.activeElement && document.activeElement.id === 'go');
  }
  check(reached, 'the report button is reachable with Tab');
  const started = Date.now();
  await page.keyboard.press('Enter');
  await page.waitForSelector('#result:not([hidden])');
  await page.waitForFunction(() => {
    const d = document.getElementById('report').contentDocument;
    return d && d.body && d.body.textContent.length > 100;
  });
  const seconds = (Date.now() - started) / 1000;
  console.log(`info demo report shown in ${seconds.toFixed(2)} s after Enter`);

  // What "Save the figures (JSON)" gives the user, read from the download itself.
  const savedJson = async () => {
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#save-json')]);
    return JSON.parse(readFileSync(await download.path(), 'utf8'));
  };
  const appJson = await savedJson();
  // Equal, except that a fraction may differ in its last bit: std's exp/powf are the system's
  // libm natively and Rust's own in WebAssembly (the forecast curve's intervals show it).
  const close = (a, b) => {
    if (typeof a === 'number' && typeof b === 'number') {
      return a === b || Math.abs(a - b) <= 1e-12 * Math.max(Math.abs(a), Math.abs(b));
    }
    if (a && b && typeof a === 'object' && typeof b === 'object') {
      const ka = Object.keys(a), kb = Object.keys(b);
      return ka.length === kb.length && ka.every((k, i) => k === kb[i] && close(a[k], b[k]));
    }
    return a === b;
  };
  const same = close(appJson, cliJson);
  if (!same) {
    writeFileSync(join(out, 'app-report.json'), JSON.stringify(appJson, null, 2));
    writeFileSync(join(out, 'cli-report.json'), JSON.stringify(cliJson, null, 2));
  }
  check(same, 'the app\'s JSON equals `walkaway report --json` (fractions to 1e-12)' +
    (same ? '' : ' (see target/app-report.json, target/cli-report.json)'));
  const frame = page.frameLocator('#report');
  const frameText = await frame.locator('body').innerText();
  check(frameText.includes(cliJson.partner) && /step-back/i.test(frameText),
    'the report names the partner and shows the step-back');
  check(frameText.includes(cliJson.messages.total.toLocaleString('en-US')) ||
    frameText.includes(String(cliJson.messages.total)), `the report shows the ${cliJson.messages.total} messages`);
  await page.screenshot({ path: join(out, 'app-1280.png'), fullPage: true });

  // Phone width: nothing scrolls sideways, on the page or in the report.
  await page.setViewportSize({ width: 390, height: 844 });
  const widths = await page.evaluate(() => {
    const d = document.getElementById('report').contentDocument;
    return {
      page: document.documentElement.scrollWidth,
      frame: d.documentElement.scrollWidth,
      frameClient: d.documentElement.clientWidth,
    };
  });
  check(widths.page <= 390, `no sideways scroll at 390 px (page ${widths.page} px)`);
  check(widths.frame <= widths.frameClient + 1,
    `no sideways scroll in the report at 390 px (${widths.frame} px in ${widths.frameClient} px)`);
  await page.screenshot({ path: join(out, 'app-390.png'), fullPage: true });
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: join(out, 'app-390-top.png') });
  await page.evaluate(() => document.getElementById('step3').scrollIntoView());
  await page.screenshot({ path: join(out, 'app-390-report.png') });
  await page.setViewportSize({ width: 1280, height: 900 });

  // Markup in names and messages is shown as text and never runs.
  await page.click('#clear');
  await page.setInputFiles('#files', [hostile]);
  await page.waitForSelector('#me-field:not([hidden])');
  await page.check('#me-options input[value="Ben"]');
  await page.fill('#asof', '');
  await page.fill('#stepback', '');
  await page.fill('#instagram', '');
  await page.click('#go');
  await page.waitForFunction(() => {
    const d = document.getElementById('report').contentDocument;
    return d && d.body && d.body.textContent.includes('Ben');
  });
  const evil = await frame.locator('body').innerText();
  const ran = await page.evaluate(() => window.__ran || 0);
  const frameRan = await page.evaluate(() => document.getElementById('report').contentWindow.__ran || 0);
  check(ran === 0 && frameRan === 0, 'markup from the export never runs');
  check(evil.includes('<script>'), 'a name written as markup is shown as text');
  const names = await page.locator('#me-options').innerText();
  check(names.includes('<script>'), 'the question "which one is you?" shows the name as text');

  // One person in two apps: offered as one, combined only when ticked.
  const waTwo = join(tmp, 'WhatsApp Chat with Sam.txt');
  writeFileSync(waTwo, '1/15/24, 18:30 - Sam: are you free tonight?\n1/15/24, 18:42 - Alex: yes, after 8\n' +
    '1/16/24, 09:00 - Alex: morning\n1/16/24, 09:30 - Sam: hey\n');
  const csvTwo = join(tmp, 'sam.csv');
  writeFileSync(csvTwo, 'timestamp,sender,text,is_me,kind,handle\n2024-01-16 09:31,Sam,hey,false,,+1 555 000 1111\n' +
    '2024-01-20 10:00,Me,long time,true,,\n2024-01-20 10:05,Sam,yes!,false,,+1 555 000 1111\n');
  await page.click('#clear');
  await page.setInputFiles('#files', [waTwo, csvTwo]);
  await page.waitForSelector('#merge-field:not([hidden])');
  const why = await page.textContent('#merge-why');
  check(/same person/.test(why) && /WhatsApp and CSV/.test(why), `offers one person across apps: ${why}`);
  await page.selectOption('#chat', { label: /WhatsApp|Sam \(Sam, Alex/ }).catch(() => {});
  if (await page.locator('#me-field').isVisible()) await page.check('#me-options input[value="Alex"]');
  await page.fill('#asof', '');
  await page.click('#go');
  await page.waitForFunction(() => (document.getElementById('save-json').getAttribute('href') || '').length > 30);
  const lone = await savedJson();
  check(!lone.person, `not combined unless ticked (${lone.messages.total} messages in one app)`);
  await page.check('#merge-options input[name=merge]');
  await page.evaluate(() => document.getElementById('save-json').setAttribute('href', '#'));
  await page.click('#go');
  await page.waitForFunction(() => (document.getElementById('save-json').getAttribute('href') || '').length > 30);
  const both = await savedJson();
  check(both.person && both.messages.total === 6 && both.sources.length === 2,
    `ticked, one report across both apps (${both.messages.total} messages, the copy counted once)`);

  // The export with media: read where it is, the same figures as the command line's.
  await page.click('#clear');
  await page.setInputFiles('#files', [mediaZip]);
  await page.waitForFunction(() => document.querySelectorAll('#found li').length === 1);
  const zipFound = await page.locator('#found').innerText();
  if (await page.locator('#me-field').isVisible()) await page.check('#me-options input[value="Alex"]');
  await page.fill('#stepback', '2026-10-01');
  await page.fill('#instagram', '');
  await page.evaluate(() => document.getElementById('save-json').setAttribute('href', '#'));
  await page.click('#go');
  await page.waitForFunction(() => (document.getElementById('save-json').getAttribute('href') || '').length > 30);
  const zipJson = await savedJson();
  const zipSame = close(zipJson, cliZipJson);
  if (!zipSame) {
    writeFileSync(join(out, 'app-zip-report.json'), JSON.stringify(zipJson, null, 2));
    writeFileSync(join(out, 'cli-zip-report.json'), JSON.stringify(cliZipJson, null, 2));
  }
  check(/WhatsApp chat/.test(zipFound) && zipSame,
    `a 20 MiB export with media, read where it is: the same JSON as the command line's (${zipFound.replace(/\n/g, ' | ')})`);

  // The HTML report the command line writes, opened as a file: the demo and the hostile chat.
  const demoHtml = join(tmp, 'demo.html');
  execFileSync(bin, ['report', chat, '--tz', 'UTC', '--me', 'Alex', '--stepback', '2026-10-01',
    '--as-of', '2026-10-31', '--instagram', 'sam.rivera', '--html', demoHtml], { env, stdio: 'ignore' });
  const evilHtml = join(tmp, 'evil.html');
  execFileSync(bin, ['report', hostile, '--tz', 'UTC', '--me', 'Ben', '--html', evilHtml], { env, stdio: 'ignore' });
  const fileContext = await browser.newContext();
  const filePage = await fileContext.newPage();
  const fileRequests = [];
  filePage.on('request', (r) => { if (!r.url().startsWith('file:') && !r.url().startsWith('data:')) fileRequests.push(r.url()); });
  filePage.on('pageerror', (e) => errors.push('report: ' + String(e)));
  for (const [file, name] of [[demoHtml, 'demo'], [evilHtml, 'hostile']]) {
    await filePage.setViewportSize({ width: 1280, height: 900 });
    await filePage.goto('file://' + file);
    const text = await filePage.locator('body').innerText();
    if (name === 'demo') {
      check(text.includes(cliJson.partner) && text.includes(String(cliJson.messages.total.toLocaleString('en-US'))),
        'the HTML report shows the partner and the message count of the JSON');
      await filePage.screenshot({ path: join(out, 'report-1280.png'), fullPage: true });
    } else {
      const ranHere = await filePage.evaluate(() => window.__ran || 0);
      check(ranHere === 0 && text.includes('<script>'), 'the HTML report shows markup from the export as text and runs none of it');
    }
    await filePage.setViewportSize({ width: 390, height: 844 });
    const w = await filePage.evaluate(() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]);
    check(w[0] <= w[1] + 1, `the ${name} HTML report has no sideways scroll at 390 px (${w[0]} px in ${w[1]} px)`);
    if (name === 'demo') await filePage.screenshot({ path: join(out, 'report-390.png'), fullPage: true });
  }
  // The XSS corpus in every format the page can be handed as one file: names and messages that
  // are markup, script URLs, SVG, CSS breakers, right-to-left overrides and very long names.
  const payloads = [
    '<script>window.__ran=11</script>',
    '<img src=x onerror="window.__ran=12">',
    '"><svg onload="window.__ran=13">',
    'javascript:window.__ran=14',
    '</style><style>body{display:none}</style>',
    '\u202Egnp.exe\u202C <iframe src="javascript:window.__ran=15">',
    '<a href="javascript:window.__ran=16">tap</a>',
    'W'.repeat(3000),
  ];
  const evilName = '<img src=x onerror="window.__ran=17">Eve';
  const jsonText = (t) => JSON.stringify(t);
  const t0 = 1767261600; // 2026-01-01
  const xss = {
    'xss-telegram.json': JSON.stringify({
      name: evilName, type: 'personal_chat', id: 77,
      messages: payloads.flatMap((p, i) => [
        { id: 2 * i + 1, type: 'message', date_unixtime: String(t0 + 600 * i), from: evilName, from_id: 'user77', text: p },
        { id: 2 * i + 2, type: 'message', date_unixtime: String(t0 + 600 * i + 60), from: 'Ben', from_id: 'user1', text: 'ok ' + p },
      ]),
    }),
    'xss.csv': 'timestamp,sender,text,is_me\n' + payloads.flatMap((p, i) => [
      `${new Date((t0 + 600 * i) * 1000).toISOString()},${jsonText(evilName).replace(/\\"/g, '""')},${jsonText(p).replace(/\\"/g, '""')},false`,
      `${new Date((t0 + 600 * i + 60) * 1000).toISOString()},Ben,${jsonText('re ' + p).replace(/\\"/g, '""')},true`,
    ]).join('\n') + '\n',
    'xss-sms.xml': '<?xml version="1.0" encoding="UTF-8" standalone="yes" ?>\n<smses count="16">\n' +
      payloads.flatMap((p, i) => [1, 2].map((type) =>
        `<sms protocol="0" address="+15550009999" date="${(t0 + 600 * i + 60 * type) * 1000}" type="${type}" body="${p.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;')}" read="1" status="-1" contact_name="${evilName.replace(/</g, '&lt;').replace(/"/g, '&quot;')}" />`)).join('\n') +
      '\n</smses>\n',
    'xss-discord.json': JSON.stringify({
      guild: { id: '0', name: 'Direct Messages' },
      channel: { id: '9', type: 'DirectTextChat', category: 'Private', name: evilName },
      messages: payloads.flatMap((p, i) => [
        { id: String(2 * i + 1), type: 'Default', timestamp: new Date((t0 + 600 * i) * 1000).toISOString(), content: p, author: { id: '7', name: 'eve', nickname: evilName } },
        { id: String(2 * i + 2), type: 'Default', timestamp: new Date((t0 + 600 * i + 60) * 1000).toISOString(), content: 'ok', author: { id: '1', name: 'Ben', nickname: 'Ben' } },
      ]),
    }),
  };
  for (const [file, text] of Object.entries(xss)) {
    const path = join(tmp, file);
    writeFileSync(path, text);
    await page.click('#clear');
    await page.setInputFiles('#files', [path]);
    await page.waitForFunction(() => document.querySelectorAll('#found li').length === 1);
    const listed = await page.locator('#found').innerText();
    if (/could not|not a supported|error/i.test(listed) || !(await page.locator('#ask').isVisible())) {
      check(false, `${file}: the hostile export is read (${listed.slice(0, 200)})`);
      continue;
    }
    if (await page.locator('#me-field').isVisible()) {
      await page.locator('#me-options input').filter({ hasNot: page.locator('xx') }).last().check();
      const ben = page.locator('#me-options input[value="Ben"]');
      if (await ben.count()) await ben.check();
    }
    await page.fill('#asof', '');
    await page.evaluate(() => document.getElementById('save-json').setAttribute('href', '#'));
    await page.click('#go');
    await page.waitForFunction(() => (document.getElementById('save-json').getAttribute('href') || '').length > 30 ||
      (document.getElementById('error').textContent || '').length > 0);
    const err = await page.textContent('#error');
    const shown = await frame.locator('body').innerText().catch(() => '');
    const ranPage = await page.evaluate(() => window.__ran || 0);
    const ranFrame = await page.evaluate(() => document.getElementById('report').contentWindow.__ran || 0);
    const w = await page.evaluate(() => {
      const d = document.getElementById('report').contentDocument;
      return [d.documentElement.scrollWidth, d.documentElement.clientWidth];
    });
    check(!err && ranPage === 0 && ranFrame === 0 && shown.includes('Eve') && w[0] <= w[1] + 1,
      `${file}: markup in names and messages is shown as text and never runs${err ? ' (error: ' + err + ')' : ''}`);
    // The same export through the command line's HTML report.
    const cliHtml = join(tmp, file + '.html');
    try {
      // SMS knows which rows are the user's; the others are told.
      const me = file.includes('sms') ? [] : ['--me', 'Ben'];
      execFileSync(bin, ['report', path, '--tz', 'UTC', ...me, '--html', cliHtml], { env: { ...env, WALKAWAY_DB: join(tmp, file + '.db') }, stdio: 'ignore' });
    } catch (e) {
      check(false, `${file}: walkaway report --html ran (${e.message.split('\n')[0]})`);
      continue;
    }
    const xssPage = await fileContext.newPage();
    await xssPage.goto('file://' + cliHtml);
    const cliRan = await xssPage.evaluate(() => window.__ran || 0);
    const cliText = await xssPage.locator('body').innerText();
    check(cliRan === 0 && cliText.includes('Eve'), `${file}: the CLI's HTML report shows it as text and runs none of it`);
    await xssPage.close();
  }

  check(fileRequests.length === 0, `the HTML report requests nothing${fileRequests.length ? ': ' + fileRequests.join(', ') : ''}`);

  check(foreign.length === 0, `no request leaves the page's origin${foreign.length ? ': ' + foreign.join(', ') : ''}`);
  check(errors.length === 0, `no page errors${errors.length ? ': ' + errors.join('; ') : ''}`);
} finally {
  await browser.close();
  server.kill();
}
if (failures) {
  console.error(`${failures} browser check(s) failed`);
  process.exit(1);
}
console.log('browser tests passed; screenshots: target/app-1280.png, target/app-390.png, target/report-1280.png, target/report-390.png');
