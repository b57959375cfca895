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

const ops = {
  // files: [{name, file}] -> the number added
  async add(files) {
    for (const { name, file } of files) {
      const bytes = new Uint8Array(await file.arrayBuffer());
      app.add_file(name, bytes, file.lastModified || NaN);
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
