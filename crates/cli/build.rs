//! Embeds the in-browser app's files (built by `crates/web/build-site.sh` into
//! `target/site/`) so that `walkaway app` serves them from the binary. Without them the
//! binary still builds, and `walkaway app` serves a page that says how to build them.
//!
//! The site folder is `$WALKAWAY_SITE_DIR`, else `$CARGO_TARGET_DIR/site`, else
//! `<workspace>/target/site`. The build script touches this file after building the site, so
//! the next `cargo build` embeds it.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-env-changed=WALKAWAY_SITE_DIR");
    println!("cargo:rerun-if-env-changed=CARGO_TARGET_DIR");
    let manifest = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").unwrap_or_default());
    let site = match (
        std::env::var_os("WALKAWAY_SITE_DIR"),
        std::env::var_os("CARGO_TARGET_DIR"),
    ) {
        (Some(dir), _) => PathBuf::from(dir),
        (None, Some(target)) => manifest.join(target).join("site"),
        (None, None) => manifest.join("../../target/site"),
    };
    let mut files = Vec::new();
    if site.join("index.html").is_file() {
        // A folder: cargo scans it whole for changes.
        println!("cargo:rerun-if-changed={}", site.display());
        walk(&site, &site, &mut files);
    }
    files.sort();
    let mut out = String::from("pub static ASSETS: &[(&str, &[u8])] = &[\n");
    for (url, path) in &files {
        let _ = writeln!(out, "    ({url:?}, include_bytes!({path:?})),");
    }
    out.push_str("];\n");
    let dest =
        PathBuf::from(std::env::var_os("OUT_DIR").unwrap_or_default()).join("site_assets.rs");
    if let Err(e) = std::fs::write(&dest, out) {
        println!("cargo:warning=cannot write {}: {e}", dest.display());
    }
}

/// Every file under `dir` as (URL path, absolute path); names that a URL would have to encode
/// are left out (the server refuses encoded paths).
fn walk(root: &Path, dir: &Path, out: &mut Vec<(String, String)>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            walk(root, &path, out);
            continue;
        }
        let Ok(rel) = path.strip_prefix(root) else {
            continue;
        };
        let url = format!("/{}", rel.to_string_lossy().replace('\\', "/"));
        let plain = url
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"/._-".contains(&b));
        let abs = std::fs::canonicalize(&path).unwrap_or(path);
        if plain {
            out.push((url, abs.to_string_lossy().into_owned()));
        }
    }
}
