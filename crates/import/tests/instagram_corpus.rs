//! Conformance run of the Instagram activity importer over the real samples in
//! /work/shared/corpus (read in place, never copied). The DONA synthetic Instagram export holds
//! direct messages and profile files but no activity files, so the run pins that the sniff
//! recognises none of them, and that no JSON sample of any other source is taken for activity.
//! Each test skips with a message when the corpus folder is absent.

use std::io::Read;
use std::path::{Path, PathBuf};

use walkaway_import::instagram::{is_activity_json, read_activity_json};
use walkaway_model::Parsed;

fn corpus() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus");
    if dir.is_dir() {
        Some(dir)
    } else {
        eprintln!("skipped: corpus folder {} is absent", dir.display());
        None
    }
}

/// Every `.json` entry of a zip as (path inside the zip, bytes).
fn zip_json_entries(path: &Path) -> Vec<(String, Vec<u8>)> {
    let file =
        std::fs::File::open(path).unwrap_or_else(|e| panic!("cannot open {}: {e}", path.display()));
    let mut archive = zip::ZipArchive::new(file)
        .unwrap_or_else(|e| panic!("{} is not a readable zip: {e}", path.display()));
    let mut out = Vec::new();
    for i in 0..archive.len() {
        let mut entry = archive
            .by_index(i)
            .unwrap_or_else(|e| panic!("{} entry {i}: {e}", path.display()));
        let name = entry
            .name()
            .unwrap_or_else(|e| panic!("{} entry {i} name: {e}", path.display()))
            .into_owned();
        if entry.is_dir() || !name.ends_with(".json") {
            continue;
        }
        let mut bytes = Vec::new();
        entry
            .read_to_end(&mut bytes)
            .unwrap_or_else(|e| panic!("{} entry {name}: {e}", path.display()));
        out.push((name, bytes));
    }
    out
}

#[test]
fn dona_instagram_export_has_no_activity_files() {
    let Some(corpus) = corpus() else { return };
    let zip = corpus.join("instagram/dona-V2__artificial_instagram_export_valid.zip");
    let entries = zip_json_entries(&zip);
    // 6 message threads and 4 personal-information files (PROVENANCE.md).
    assert_eq!(entries.len(), 10, "json entries in {}", zip.display());
    let mut parsed = Parsed::default();
    let mut activity_files = Vec::new();
    for (name, bytes) in &entries {
        if is_activity_json(bytes) {
            activity_files.push(name.clone());
            read_activity_json(name, bytes, &mut parsed)
                .unwrap_or_else(|e| panic!("sniffed as activity but unreadable: {e}"));
        } else {
            let mut scratch = Parsed::default();
            assert!(
                read_activity_json(name, bytes, &mut scratch).is_err(),
                "{name} reads as activity but does not sniff as activity"
            );
        }
    }
    assert_eq!(
        activity_files,
        Vec::<String>::new(),
        "the DONA export holds no likes or comments"
    );
    assert!(parsed.activity.is_empty());
}

#[test]
fn no_json_sample_of_any_source_is_taken_for_activity() {
    let Some(corpus) = corpus() else { return };
    let mut stack = vec![corpus];
    let mut seen = 0;
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            if path.extension().and_then(|e| e.to_str()) != Some("json") {
                continue;
            }
            let bytes = std::fs::read(&path).unwrap_or_default();
            seen += 1;
            assert!(
                !is_activity_json(&bytes),
                "{} sniffed as activity",
                path.display()
            );
            let mut parsed = Parsed::default();
            assert!(
                read_activity_json("sample.json", &bytes, &mut parsed).is_err(),
                "{} read as activity",
                path.display()
            );
        }
    }
    assert!(seen >= 20, "only {seen} json samples found");
}
