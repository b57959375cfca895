// walkaway's engine off the page's thread: the WebAssembly module (walkaway-web) runs here, so
// the page stays responsive while a large export is read and analysed. The page posts
// {id, op, args} and gets {id, ok} or {id, error} back. Files arrive as File objects and are
// read here, so their bytes never pass through the page's thread. Nothing is fetched: the
// scripts come from the page's own origin and the WebAssembly from the bytes in wasm-bytes.js.
'use strict';

importScripts('wasm-bytes.js', 'walkaway_web.js');

let app = null;

function bytesFromBase64(b64) {
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

const ready = (async () => {
  await wasm_bindgen({ module_or_path: bytesFromBase64(WALKAWAY_WASM) });
  app = new wasm_bindgen.App();
})();

function reportObject(out) {
  try {
    const error = out.take_error();
    if (error) return { error };
    return { html: out.take_html(), json: out.take_json(), notes: JSON.parse(out.take_notes()) };
  } finally {
    out.free();
  }
}

// A zip this large is read where it is, through FileReaderSync (workers only): its central
// directory and its chats are fetched, never its photos and videos. A WhatsApp export with
// media is often gigabytes, more than a phone's browser can hold.
const FAR_ZIP_FROM = 16 << 20;

async function isZip(file) {
  const head = new Uint8Array(await file.slice(0, 4).arrayBuffer());
  return head[0] === 0x50 && head[1] === 0x4b && head[2] === 3 && head[3] === 4;
}

const ops = {
  // files: [{name, file}] -> the number added
  async add(files) {
    for (const { name, file } of files) {
      const modified = file.lastModified || NaN;
      if (name.includes('/') && !wasm_bindgen.worth_trying(name)) {
        // A folder's photo or video: its name counts (the folder is read as it is), its
        // bytes are never read.
        app.add_file(name, new Uint8Array(0), modified);
      } else if (file.size >= FAR_ZIP_FROM && typeof FileReaderSync === 'function' && await isZip(file)) {
        const sync = new FileReaderSync();
        app.add_zip_at(name, file.size, modified, {
          read_at: (pos, len) => new Uint8Array(sync.readAsArrayBuffer(file.slice(pos, pos + len))),
        });
      } else {
        app.add_file(name, new Uint8Array(await file.arrayBuffer()), modified);
      }
    }
    return files.length;
  },
  clear() { app.clear(); return true; },
  inspect(tz) { return app.inspect(tz); },
  // A plain object: the page gets the strings by structured clone, no JSON around them.
  report(options) { return reportObject(app.report(options)); },
};

self.onmessage = async (event) => {
  const { id, op, args } = event.data;
  try {
    await ready;
    const ok = await ops[op](...(args || []));
    self.postMessage({ id, ok });
  } catch (e) {
    self.postMessage({ id, error: String(e && e.message ? e.message : e) });
  }
};
