//! The committed demo files must be exactly what `walkaway-sim demo` writes, so they cannot
//! drift from the generator.

use std::path::Path;

#[test]
fn committed_demo_matches_the_generator() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/demo");
    let files = walkaway_sim::demo::demo_files();
    assert_eq!(files.len(), 5);
    for (rel, expected) in files {
        let path = dir.join(&rel);
        let actual = std::fs::read_to_string(&path).unwrap_or_else(|e| {
            panic!(
                "cannot read {}: {e}; run `cargo run -p walkaway-sim -- demo --out examples/demo`",
                path.display()
            )
        });
        assert!(
            actual == expected,
            "{rel} differs from the generator; run `cargo run -p walkaway-sim -- demo --out examples/demo`"
        );
    }
}

#[test]
fn demo_is_deterministic() {
    assert_eq!(
        walkaway_sim::demo::demo_files(),
        walkaway_sim::demo::demo_files()
    );
}

#[test]
fn instagram_demo_has_breaches_on_the_partner_account_after_d() {
    let files = walkaway_sim::demo::demo_files();
    let get = |suffix: &str| {
        files
            .iter()
            .find(|(p, _)| p.ends_with(suffix))
            .map(|(_, b)| b.clone())
            .unwrap_or_default()
    };
    let posts = get("liked_posts.json");
    let stories = get("story_likes.json");
    let comments = get("post_comments_1.json");
    assert!(posts.starts_with("{\n  \"likes_media_likes\": ["));
    assert!(stories.starts_with("{\n  \"story_activities_story_likes\": ["));
    assert!(comments.starts_with("[\n  {\n    \"media_list_data\""));
    assert!(comments.contains("\"Media Owner\""));
    // 2026-10-01T00:00:00Z in seconds; the scripted breaches are after it.
    let d = 1_790_812_800i64;
    for body in [&posts, &stories, &comments] {
        let after_on_sam = body
            .split("\"title\": \"sam.rivera\"")
            .skip(1)
            .chain(body.split("\"value\": \"sam.rivera\"").skip(1))
            .filter_map(|rest| {
                let i = rest.find("\"timestamp\": ")?;
                let digits: String = rest
                    .get(i + 13..)?
                    .chars()
                    .take_while(char::is_ascii_digit)
                    .collect();
                digits.parse::<i64>().ok()
            })
            .filter(|ts| *ts >= d)
            .count();
        assert!(after_on_sam >= 1, "no breach after D in one of the files");
    }
}
