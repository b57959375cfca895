// walkaway in the browser: hands the dropped files to the WebAssembly module (walkaway-web),
// asks what it must, and shows the report the module renders. No network: the WebAssembly is
// compiled from the bytes in wasm-bytes.js, and the page's CSP has connect-src 'none'.
'use strict';

(function () {
  const $ = (id) => document.getElementById(id);
  const PLAN_KEY = 'walkaway.plan.v1';
  let app = null;
  let found = null;
  let fileCount = 0;
  let reportUrl = null;

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

  // ---- files ---------------------------------------------------------------------------------
  async function addFiles(list) {
    if (!app || !list.length) return;
    showError('');
    status(`Reading ${list.length === 1 ? list[0].name : list.length + ' files'}…`);
    await paint();
    for (const f of list) {
      const name = f.path || f.webkitRelativePath || f.name;
      const buf = new Uint8Array(await f.arrayBuffer());
      app.add_file(name, buf, f.lastModified || NaN);
      fileCount++;
    }
    await inspect();
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
    })[format] || format;
  }

  const plural = (n, one, many) => `${n.toLocaleString()} ${n === 1 ? one : many}`;

  async function inspect() {
    found = JSON.parse(app.inspect(zone()));
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
    const ig = $('ig-accounts');
    ig.replaceChildren(...found.instagram_accounts.map((a) => { const o = document.createElement('option'); o.value = a; return o; }));
    chatChanged();
    $('ask').hidden = false;
  }

  function currentChat() {
    return found && found.chats[Number($('chat').value)] || null;
  }

  function chatChanged() {
    const c = currentChat();
    if (!c) return;
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
    await paint();
    const started = performance.now();
    const out = JSON.parse(app.report(JSON.stringify(o)));
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
    // A data: URL rather than a blob, so that what the link holds can be read back in tests.
    $('save-json').href = 'data:application/json;charset=utf-8,' + encodeURIComponent(out.json);
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
    if (app) app.clear();
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
      await wasm_bindgen({ module_or_path: bytesFromBase64(WALKAWAY_WASM) });
      app = new wasm_bindgen.App();
      status('Ready. Your files stay on this computer.');
    } catch (e) {
      status('');
      showError(`This browser could not start the app: ${e && e.message ? e.message : e}`);
    }
  }

  start();
})();
