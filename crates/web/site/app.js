// walkaway in the browser: hands the dropped files to the WebAssembly module (walkaway-web),
// asks what it must, and shows the report the module renders. The module runs in a Web Worker
// (worker.js) so the page stays responsive; where a worker cannot start (the page opened from
// a file), it runs on this thread instead. No network: the WebAssembly is compiled from the
// bytes in wasm-bytes.js, and the page's CSP has connect-src 'none'.
'use strict';

(function () {
  const $ = (id) => document.getElementById(id);
  const PLAN_KEY = 'walkaway.plan.v1';
  let engine = null;
  let found = null;
  let fileCount = 0;
  let reportUrl = null;
  let jsonUrl = null;

  const status = (text) => { $('status').textContent = text; };
  const showError = (text) => { $('error').textContent = text || ''; };

  // Yields to the browser so a status line paints before long work on this thread.
  const paint = () => new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));

  function zone() {
    const typed = $('tz').value.trim();
    if (typed) return typed;
    try { return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC'; } catch (e) { return 'UTC'; }
  }

  function localToday() {
    const d = new Date();
    const pad = (n) => String(n).padStart(2, '0');
    return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
  }

  function bytesFromBase64(b64) {
    const bin = atob(b64);
    const out = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
    return out;
  }

  // ---- plan settings: dates, rules, accounts; never messages or names -----------------------
  function loadPlan() {
    try { return JSON.parse(localStorage.getItem(PLAN_KEY) || '{}') || {}; } catch (e) { return {}; }
  }
  function savePlan(p) {
    try { localStorage.setItem(PLAN_KEY, JSON.stringify(p)); } catch (e) { /* storage off: fine */ }
  }
  function restorePlan() {
    const p = loadPlan();
    $('stepback').value = p.stepback || '';
    $('window').value = p.window || '';
    $('fast').value = p.fast_reply || '';
    $('instagram').value = p.instagram || '';
    $('tz').value = p.tz || '';
    if (p.stepback) $('more').open = true;
  }

  // ---- the engine: the WebAssembly module, in a worker when one can start -------------------
  function loadScript(src) {
    return new Promise((resolve, reject) => {
      const s = document.createElement('script');
      s.src = src;
      s.onload = resolve;
      s.onerror = () => reject(new Error(`cannot load ${src}`));
      document.head.append(s);
    });
  }

  // The same operations as worker.js, on this thread.
  async function inPage() {
    await loadScript('wasm-bytes.js');
    await loadScript('walkaway_web.js');
    await wasm_bindgen({ module_or_path: bytesFromBase64(WALKAWAY_WASM) });
    const app = new wasm_bindgen.App();
    const ops = {
      async add(files) {
        for (const { name, file } of files) {
          // As worker.js, but zips are read whole: FileReaderSync exists only in workers.
          const skip = name.includes('/') && !wasm_bindgen.worth_trying(name);
          const bytes = skip ? new Uint8Array(0) : new Uint8Array(await file.arrayBuffer());
          app.add_file(name, bytes, file.lastModified || NaN);
        }
        return files.length;
      },
      clear() { app.clear(); return true; },
      inspect(tz) { return app.inspect(tz); },
      report(options) {
        const out = app.report(options);
        try {
          const error = out.take_error();
          if (error) return { error };
          return { html: out.take_html(), json: out.take_json(), notes: JSON.parse(out.take_notes()) };
        } finally {
          out.free();
        }
      },
    };
    return { where: 'page', call: async (op, ...args) => { await paint(); return ops[op](...args); } };
  }

  function inWorker() {
    return new Promise((resolve, reject) => {
      const worker = new Worker('worker.js');
      const waiting = new Map();
      let next = 0;
      const call = (op, ...args) => new Promise((res, rej) => {
        const id = ++next;
        waiting.set(id, { res, rej });
        worker.postMessage({ id, op, args });
      });
      worker.onmessage = (e) => {
        const w = waiting.get(e.data.id);
        if (!w) return;
        waiting.delete(e.data.id);
        if ('error' in e.data) w.rej(new Error(e.data.error)); else w.res(e.data.ok);
      };
      worker.onerror = (e) => {
        e.preventDefault();
        const err = new Error(e.message || 'the worker stopped');
        for (const w of waiting.values()) w.rej(err);
        waiting.clear();
        reject(err);
      };
      // The first answer means the module compiled and runs.
      call('clear').then(() => resolve({ where: 'worker', call }), reject);
    });
  }

  async function startEngine() {
    try {
      return await inWorker();
    } catch (e) {
      return inPage();
    }
  }

  // ---- files ---------------------------------------------------------------------------------
  async function addFiles(list) {
    if (!engine || !list.length) return;
    showError('');
    status(`Reading ${list.length === 1 ? list[0].name : list.length + ' files'}…`);
    try {
      fileCount += await engine.call('add', list.map((f) => ({ name: f.path || f.webkitRelativePath || f.name, file: f })));
      await inspect();
    } catch (e) {
      status('');
      showError(`The files could not be read: ${e.message}`);
    }
  }

  // Files of a dropped folder, with their paths inside it.
  function entryFiles(entry, prefix) {
    return new Promise((resolve) => {
      if (entry.isFile) {
        entry.file((f) => { f.path = prefix + f.name; resolve([f]); }, () => resolve([]));
      } else if (entry.isDirectory) {
        const reader = entry.createReader();
        const all = [];
        const next = () => reader.readEntries(async (batch) => {
          if (!batch.length) {
            const nested = await Promise.all(all.map((e) => entryFiles(e, prefix + entry.name + '/')));
            resolve(nested.flat());
          } else {
            all.push(...batch);
            next();
          }
        }, () => resolve([]));
        next();
      } else {
        resolve([]);
      }
    });
  }

  async function dropped(dt) {
    const entries = [];
    if (dt.items) {
      for (const item of dt.items) {
        const e = item.webkitGetAsEntry ? item.webkitGetAsEntry() : null;
        if (e) entries.push(e);
      }
    }
    if (!entries.length) return Array.from(dt.files || []);
    const lists = await Promise.all(entries.map((e) => entryFiles(e, '')));
    return lists.flat();
  }

  function describeFormat(format) {
    return ({
      'whatsapp-android': 'WhatsApp chat (Android)',
      'whatsapp-ios': 'WhatsApp chat (iPhone)',
      'telegram-json': 'Telegram export',
      'messenger-json': 'Messenger messages',
      'instagram-json': 'Instagram messages',
      'instagram-activity': 'Instagram likes and comments',
      'imessage-db': 'iMessage (Mac Messages database)',
      'sms-xml': 'Android text messages (SMS Backup & Restore)',
      'sms-calls-xml': 'Android call log (SMS Backup & Restore)',
      'discord-json': 'Discord chat',
      'signal-md': 'Signal chat',
      'hangouts-json': 'Google Chat / Hangouts',
      'line-txt': 'LINE chat',
      'csv': 'chat as CSV',
    })[format] || format;
  }

  const plural = (n, one, many) => `${n.toLocaleString()} ${n === 1 ? one : many}`;

  async function inspect() {
    found = JSON.parse(await engine.call('inspect', zone()));
    if (found.error) { showError(found.error); return; }
    const list = $('found');
    list.replaceChildren();
    for (const f of found.files) {
      const li = document.createElement('li');
      if (f.error) {
        li.className = 'bad';
        li.textContent = f.error;
      } else {
        const parts = [describeFormat(f.format)];
        if (f.chats) parts.push(plural(f.chats, 'chat', 'chats'));
        if (f.activity) parts.push(plural(f.activity, 'like or comment', 'likes and comments'));
        li.textContent = `${f.name}: ${parts.join(', ')}`;
      }
      list.append(li);
    }
    $('clear').hidden = fileCount === 0;
    const chats = found.chats;
    if (!chats.length) {
      status(fileCount ? 'No chat found yet. Add the chat export itself (see above for what was read).' : '');
      $('ask').hidden = true;
      return;
    }
    status(chats.length === 1
      ? `Found one chat: ${chats[0].title}, ${plural(chats[0].events, 'message', 'messages')}.`
      : `Found ${chats.length} chats.`);
    const select = $('chat');
    const before = select.value;
    select.replaceChildren();
    for (const c of chats) {
      const o = document.createElement('option');
      o.value = String(c.index);
      o.textContent = `${c.title} (${c.people.join(', ')}; ${plural(c.events, 'message', 'messages')})`;
      select.append(o);
    }
    const best = chats.reduce((a, c) => (c.people.length === 2 && c.events > a.events ? c : a), chats[0]);
    select.value = before && chats[Number(before)] ? before : String(best.index);
    $('chat-field').hidden = chats.length < 2;
    showSuggestions();
    const ig = $('ig-accounts');
    ig.replaceChildren(...found.instagram_accounts.map((a) => { const o = document.createElement('option'); o.value = a; return o; }));
    chatChanged();
    $('ask').hidden = false;
  }

  // Chats in other apps that look like the same person: offered, combined only when ticked.
  function showSuggestions() {
    const box = $('merge-options');
    box.replaceChildren();
    const c = currentChat();
    const s = c && found.suggestions.find((x) => x.chats.includes(c.index));
    $('merge-field').hidden = !s;
    if (!s) return;
    $('merge-why').textContent = `These look like the same person (${s.why}). Tick the ones to combine into one report; nothing is combined unless you tick it.`;
    for (const i of s.chats) {
      if (i === c.index) continue;
      const other = found.chats[i];
      const label = document.createElement('label');
      const input = document.createElement('input');
      input.type = 'checkbox';
      input.name = 'merge';
      input.value = String(i);
      label.append(input, document.createTextNode(
        `${other.title} in ${describeFormat(found.files.find((f) => f.name === other.file)?.format || other.source)} (${plural(other.events, 'message', 'messages')})`));
      box.append(label);
    }
  }

  const sameName = (a, b) => a.trim().toLowerCase().replace(/\s+/g, ' ') === b.trim().toLowerCase().replace(/\s+/g, ' ');

  // The chats ticked to combine, each with who the user is in it: where that export does not
  // say, the participant who is not the person.
  function merges(c, meName) {
    const ticked = Array.from(document.querySelectorAll('input[name=merge]:checked')).map((x) => Number(x.value));
    if (!ticked.length) return [];
    const meIdx = c.me !== null && c.me !== undefined ? c.me : c.people.findIndex((p) => p === meName);
    const partner = c.people.length === 2 && meIdx >= 0 ? c.people[1 - meIdx] : null;
    return ticked.map((i) => {
      const o = found.chats[i];
      if (o.me !== null && o.me !== undefined) return { chat: i, me: null };
      const me = partner === null ? null : o.people.find((p) => !sameName(p, partner)) || null;
      return { chat: i, me };
    });
  }

  function currentChat() {
    return found && found.chats[Number($('chat').value)] || null;
  }

  function chatChanged() {
    const c = currentChat();
    if (!c) return;
    if (found) showSuggestions();
    const box = $('me-options');
    box.replaceChildren();
    c.people.forEach((name, i) => {
      const label = document.createElement('label');
      const input = document.createElement('input');
      input.type = 'radio';
      input.name = 'me';
      input.value = name;
      input.checked = c.me === i;
      label.append(input, document.createTextNode(name));
      box.append(label);
    });
    const known = c.me !== null && c.me !== undefined;
    $('me-field').hidden = known;
    $('me-known').hidden = !known;
    if (known) $('me-known').textContent = `The export says you are ${c.people[c.me]}.`;
    $('asof').value = c.data_end || '';
    $('asof').dataset.prefilled = c.data_end || '';
    $('asof').min = c.first_day || '';
    $('asof').max = localToday();
    $('stepback').min = c.first_day || '';
    const from = {
      export: 'as the export records it',
      file_modified: "the file's date",
      last_event: 'the day of the last message (nothing says the data reaches further)',
    }[c.data_end_source] || '';
    $('asof-hint').textContent = c.data_end
      ? `Filled in from ${from}. Change it if you exported on another day.`
      : '';
  }

  function options() {
    const c = currentChat();
    const me = document.querySelector('input[name=me]:checked');
    const asof = $('asof').value;
    const num = (id) => { const v = $(id).value.trim(); return v ? Number(v) : null; };
    const account = $('instagram').value.trim();
    return {
      chat: c.index,
      tz: zone(),
      me: c.me !== null && c.me !== undefined ? null : (me ? me.value : null),
      as_of: asof && asof !== $('asof').dataset.prefilled ? asof : null,
      stepback: $('stepback').value || null,
      window: $('stepback').value ? num('window') : null,
      fast_reply: $('stepback').value ? num('fast') : null,
      instagram: account ? [account] : [],
      today: localToday(),
      merge: merges(c, c.me !== null && c.me !== undefined ? c.people[c.me] : (me ? me.value : null)),
      redact: $('redact').checked,
    };
  }

  async function showReport(ev) {
    ev.preventDefault();
    showError('');
    const c = currentChat();
    if (!c) return;
    const o = options();
    if ((c.me === null || c.me === undefined) && !o.me) {
      showError('Which one is you? Choose your name above.');
      const first = document.querySelector('input[name=me]');
      if (first) first.focus();
      return;
    }
    savePlan({
      stepback: $('stepback').value || '',
      window: $('window').value || '',
      fast_reply: $('fast').value || '',
      instagram: $('instagram').value.trim(),
      tz: $('tz').value.trim(),
    });
    $('go').disabled = true;
    status('Working out the report…');
    const started = performance.now();
    let out;
    try {
      out = await engine.call('report', JSON.stringify(o));
    } catch (e) {
      out = { error: `The report could not be made: ${e.message}` };
    }
    $('go').disabled = false;
    if (out.error) {
      status('');
      showError(out.error);
      return;
    }
    status(`Report ready (${((performance.now() - started) / 1000).toFixed(1)} s).`);
    $('notes').textContent = (out.notes || []).join(' ');
    const frame = $('report');
    frame.onload = () => fitFrame(frame);
    frame.srcdoc = out.html;
    if (reportUrl) URL.revokeObjectURL(reportUrl);
    reportUrl = URL.createObjectURL(new Blob([out.html], { type: 'text/html' }));
    $('save').href = reportUrl;
    // A blob, not a data: URL: the figures of a large chat are megabytes, and percent-encoding
    // them into an attribute cost a noticeable part of a second.
    if (jsonUrl) URL.revokeObjectURL(jsonUrl);
    jsonUrl = URL.createObjectURL(new Blob([out.json], { type: 'application/json' }));
    $('save-json').href = jsonUrl;
    $('result').hidden = false;
    $('step3').focus();
  }

  // The report is a whole page of its own, shown in a frame that can run nothing; the frame
  // grows to its content so the page scrolls once.
  function fitFrame(frame) {
    const doc = frame.contentDocument;
    if (!doc || !doc.documentElement) return;
    const fit = () => { frame.style.height = (doc.documentElement.scrollHeight + 4) + 'px'; };
    fit();
    if (window.ResizeObserver) new ResizeObserver(fit).observe(doc.documentElement);
    doc.addEventListener('toggle', fit, true);
  }

  function clearAll() {
    if (engine) engine.call('clear');
    fileCount = 0;
    found = null;
    $('found').replaceChildren();
    $('ask').hidden = true;
    $('result').hidden = true;
    $('report').srcdoc = '';
    $('clear').hidden = true;
    $('files').value = '';
    $('folder').value = '';
    showError('');
    status('Ready. Your files stay on this computer.');
  }

  function wire() {
    const drop = $('drop');
    ['dragenter', 'dragover'].forEach((t) => drop.addEventListener(t, (e) => {
      e.preventDefault();
      drop.classList.add('over');
    }));
    ['dragleave', 'drop'].forEach((t) => drop.addEventListener(t, () => drop.classList.remove('over')));
    drop.addEventListener('drop', async (e) => {
      e.preventDefault();
      addFiles(await dropped(e.dataTransfer));
    });
    // A file dropped beside the box must not make the browser navigate away to it.
    window.addEventListener('dragover', (e) => e.preventDefault());
    window.addEventListener('drop', (e) => e.preventDefault());
    $('files').addEventListener('change', (e) => addFiles(Array.from(e.target.files)));
    $('folder').addEventListener('change', (e) => addFiles(Array.from(e.target.files)));
    $('chat').addEventListener('change', chatChanged);
    $('settings').addEventListener('submit', showReport);
    $('clear').addEventListener('click', clearAll);
    $('forget').addEventListener('click', () => {
      try { localStorage.removeItem(PLAN_KEY); } catch (e) { /* nothing stored */ }
      ['stepback', 'window', 'fast', 'instagram', 'tz'].forEach((id) => { $(id).value = ''; });
    });
    $('tz').placeholder = zone();
    if (Intl.supportedValuesOf) {
      $('zones').replaceChildren(...Intl.supportedValuesOf('timeZone').map((z) => {
        const o = document.createElement('option'); o.value = z; return o;
      }));
    }
  }

  async function start() {
    wire();
    restorePlan();
    try {
      // Compiled from the bytes this page carries: nothing is fetched.
      engine = await startEngine();
      document.body.dataset.engine = engine.where;
      status('Ready. Your files stay on this computer.');
    } catch (e) {
      status('');
      showError(`This browser could not start the app: ${e && e.message ? e.message : e}`);
    }
  }

  start();
})();
