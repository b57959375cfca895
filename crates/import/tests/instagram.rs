//! Fixture tests for the Instagram activity importer: every file shape, old layouts, mojibake,
//! broken records, files that are not activity, and arbitrary bytes.

use std::path::{Path, PathBuf};

use proptest::prelude::*;
use walkaway_import::instagram::{is_activity_json, read_activity_json};
use walkaway_model::{ActivityKind, Diagnostic, Parsed, Severity, Source};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/instagram")
}

fn load(rel: &str) -> Vec<u8> {
    let path = fixtures().join(rel);
    std::fs::read(&path).unwrap_or_else(|e| panic!("cannot read fixture {}: {e}", path.display()))
}

/// Reads one fixture under its file name, as the zip walker would call it.
fn read(rel: &str) -> Parsed {
    let bytes = load(rel);
    let name = rel.rsplit('/').next().unwrap_or(rel);
    assert!(is_activity_json(&bytes), "{rel} should sniff as activity");
    let mut parsed = Parsed::default();
    read_activity_json(name, &bytes, &mut parsed).unwrap_or_else(|e| panic!("{rel}: {e}"));
    assert!(parsed.chats.is_empty());
    parsed
}

/// One expected activity: kind, seconds, target, text.
type Row = (
    ActivityKind,
    i64,
    Option<&'static str>,
    Option<&'static str>,
);

fn rows(parsed: &Parsed) -> Vec<(ActivityKind, i64, Option<&str>, Option<&str>)> {
    parsed
        .activity
        .iter()
        .map(|a| {
            assert_eq!(a.source, Source::Instagram);
            assert_eq!(a.ts % 1000, 0, "seconds become whole milliseconds");
            (a.kind, a.ts / 1000, a.target.as_deref(), a.text.as_deref())
        })
        .collect()
}

fn check(rel: &str, want: &[Row], want_diagnostics: &[(Severity, u32, &str)]) {
    let parsed = read(rel);
    assert_eq!(rows(&parsed), want.to_vec(), "activity of {rel}");
    let got: Vec<(Severity, u32, &str)> = parsed
        .diagnostics
        .iter()
        .map(|d| (d.severity, d.line, d.message.as_str()))
        .collect();
    assert_eq!(got, want_diagnostics.to_vec(), "diagnostics of {rel}");
    no_text_in_diagnostics(&parsed);
}

/// Diagnostics must never repeat what the user wrote.
fn no_text_in_diagnostics(parsed: &Parsed) {
    for a in &parsed.activity {
        if let Some(text) = a.text.as_deref().filter(|t| !t.is_empty()) {
            for Diagnostic { message, .. } in &parsed.diagnostics {
                assert!(!message.contains(text), "diagnostic {message:?} leaks text");
            }
        }
    }
}

use ActivityKind::{Comment, CommentLike, PostLike, StoryLike};

#[test]
fn current_layout_every_shape() {
    let base = "current/your_instagram_activity";
    check(
        &format!("{base}/likes/liked_posts.json"),
        &[
            (PostLike, 1_700_000_000, Some("sam.rivera"), None),
            (PostLike, 1_700_003_600, Some("coffee_lab"), None),
            (PostLike, 1_700_090_000, Some("sam.rivera"), None),
        ],
        &[],
    );
    check(
        &format!("{base}/likes/liked_comments.json"),
        &[
            (CommentLike, 1_700_000_100, Some("coffee_lab"), None),
            (CommentLike, 1_700_500_000, Some("harbor.books"), None),
        ],
        &[],
    );
    check(
        &format!("{base}/story_interactions/story_likes.json"),
        &[
            (StoryLike, 1_701_000_000, Some("sam.rivera"), None),
            (StoryLike, 1_701_086_400, Some("sam.rivera"), None),
            (StoryLike, 1_701_172_800, Some("coffee_lab"), None),
        ],
        &[],
    );
    check(
        &format!("{base}/comments/post_comments_1.json"),
        &[
            (
                Comment,
                1_702_000_000,
                Some("sam.rivera"),
                Some("Looks great!"),
            ),
            (
                Comment,
                1_702_003_600,
                Some("coffee_lab"),
                Some("Best flat white in town"),
            ),
        ],
        &[],
    );
    check(
        &format!("{base}/comments/reels_comments.json"),
        &[(
            Comment,
            1_702_100_000,
            Some("harbor.books"),
            Some("ha, so true"),
        )],
        &[],
    );
}

#[test]
fn post_urls_are_kept() {
    let parsed = read("current/your_instagram_activity/likes/liked_posts.json");
    let urls: Vec<Option<&str>> = parsed.activity.iter().map(|a| a.url.as_deref()).collect();
    assert_eq!(
        urls,
        [
            Some("https://www.instagram.com/p/Cs4mPl3Abc1/"),
            Some("https://www.instagram.com/reel/Ct9xYz0Def2/"),
            Some("https://www.instagram.com/p/Cu1nOp5Ghi3/"),
        ]
    );
}

#[test]
fn older_layout_finds_the_account_in_value_or_url() {
    check(
        "older/likes/liked_posts.json",
        &[
            (PostLike, 1_610_000_000, Some("sam.rivera"), None),
            (PostLike, 1_610_086_400, Some("coffee_lab"), None),
            (PostLike, 1_610_172_800, None, None),
        ],
        &[(
            Severity::Note,
            3,
            "1 record without a known account in liked_posts.json (record 3)",
        )],
    );
    check(
        "older/comments/post_comments.json",
        &[(
            Comment,
            1_612_000_000,
            Some("sam.rivera"),
            Some("Happy birthday!"),
        )],
        &[],
    );
}

#[test]
fn legacy_lists_with_iso_dates() {
    check(
        "legacy/likes.json",
        &[
            (PostLike, 1_561_486_059, Some("sam.rivera"), None),
            (PostLike, 1_561_540_502, Some("coffee_lab"), None),
            (CommentLike, 1_561_982_400, Some("harbor.books"), None),
        ],
        &[],
    );
    check(
        "legacy/comments.json",
        &[(
            Comment,
            1_564_777_800,
            Some("sam.rivera"),
            Some("see you there"),
        )],
        &[],
    );
}

#[test]
fn mojibake_is_repaired_only_where_it_is_mojibake() {
    check(
        "mojibake/post_comments_1.json",
        &[
            (
                Comment,
                1_703_000_000,
                Some("coffee_lab"),
                Some("Café au lait \u{1F631}"),
            ),
            (
                Comment,
                1_703_000_600,
                Some("sam.rivera"),
                Some("Grüße an Müller"),
            ),
        ],
        &[],
    );
}

#[test]
fn broken_records_are_counted_not_fatal() {
    check(
        "broken/liked_posts.json",
        &[
            (PostLike, 1_704_000_000, Some("sam.rivera"), None),
            (PostLike, 1_704_086_400, None, None),
        ],
        &[
            (
                Severity::Warning,
                2,
                "2 records not understood in liked_posts.json (records 2, 3)",
            ),
            (
                Severity::Warning,
                4,
                "3 records without a time in liked_posts.json (records 4, 6, 7)",
            ),
            (
                Severity::Note,
                5,
                "1 record without a known account in liked_posts.json (record 5)",
            ),
        ],
    );
}

#[test]
fn files_that_are_not_activity() {
    for rel in [
        "not_activity/message_1.json",
        "not_activity/personal_information.json",
        "not_activity/profile_changes.json",
        "not_activity/empty_object.json",
    ] {
        let bytes = load(rel);
        assert!(
            !is_activity_json(&bytes),
            "{rel} must not sniff as activity"
        );
        let mut parsed = Parsed::default();
        let err = read_activity_json("x.json", &bytes, &mut parsed).expect_err(rel);
        assert!(
            err.starts_with("x.json"),
            "{rel}: error names the file: {err}"
        );
        assert_eq!(
            parsed,
            Parsed::default(),
            "{rel}: nothing appended on error"
        );
    }
}

#[test]
fn whole_file_errors() {
    let cases: [(&str, &str); 5] = [
        ("not json at all", "a.json is not readable json"),
        ("{\"likes_media_likes\": [", "a.json is not readable json"),
        (
            "{\"likes_media_likes\": 5}",
            "a.json: field likes_media_likes is not a list",
        ),
        ("[1, 2, 3]", "a.json is not an instagram activity file"),
        (
            "\"likes_media_likes\"",
            "a.json is not an instagram activity file",
        ),
    ];
    for (input, want) in cases {
        let mut parsed = Parsed::default();
        let err = read_activity_json("a.json", input.as_bytes(), &mut parsed).expect_err(input);
        assert!(err.starts_with(want), "{input}: got {err}");
    }
}

#[test]
fn a_second_list_that_is_not_a_list_is_a_warning() {
    let input = br#"{"comment_likes": {"x": 1}, "media_likes": [["2019-06-25T18:07:39+00:00", "@Sam.Rivera"]]}"#;
    let mut parsed = Parsed::default();
    assert!(is_activity_json(input));
    assert_eq!(read_activity_json("likes.json", input, &mut parsed), Ok(()));
    assert_eq!(
        rows(&parsed),
        [(PostLike, 1_561_486_059, Some("sam.rivera"), None)]
    );
    assert_eq!(
        parsed.diagnostics,
        [Diagnostic {
            severity: Severity::Warning,
            line: 0,
            message: "likes.json: field comment_likes is not a list and was skipped".to_owned(),
        }]
    );
}

#[test]
fn empty_lists_read_as_nothing() {
    for input in [
        "[]",
        "{\"likes_media_likes\": []}",
        "\u{feff}{\"comments_reels_comments\": []}",
    ] {
        let mut parsed = Parsed::default();
        assert_eq!(
            read_activity_json("e.json", input.as_bytes(), &mut parsed),
            Ok(()),
            "{input}"
        );
        assert_eq!(parsed, Parsed::default(), "{input}");
    }
}

#[test]
fn long_record_lists_are_summarised() {
    let entries: Vec<String> = (0..14)
        .map(|_| r#"{"title": "sam.rivera", "string_list_data": [{"timestamp": 0}]}"#.to_owned())
        .collect();
    let input = format!(
        "{{\"story_activities_story_likes\": [{}]}}",
        entries.join(",")
    );
    let mut parsed = Parsed::default();
    assert_eq!(
        read_activity_json("story_likes.json", input.as_bytes(), &mut parsed),
        Ok(())
    );
    assert!(parsed.activity.is_empty());
    assert_eq!(
        parsed
            .diagnostics
            .iter()
            .map(|d| d.message.as_str())
            .collect::<Vec<_>>(),
        [
            "14 records without a time in story_likes.json (records 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 and 4 more)"
        ]
    );
}

/// Every fixture file, for the robustness tests below.
fn all_fixture_files() -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![fixtures()];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

#[test]
fn sniff_and_read_agree_on_every_fixture() {
    let files = all_fixture_files();
    assert!(files.len() >= 15, "fixtures found: {}", files.len());
    for path in files {
        let bytes = std::fs::read(&path).unwrap_or_default();
        let mut parsed = Parsed::default();
        let ok = read_activity_json("f.json", &bytes, &mut parsed).is_ok();
        assert_eq!(is_activity_json(&bytes), ok, "{}", path.display());
    }
}

#[test]
fn truncated_and_corrupted_fixtures_never_panic() {
    for path in all_fixture_files() {
        let bytes = std::fs::read(&path).unwrap_or_default();
        for end in 0..bytes.len() {
            let prefix = bytes.get(..end).unwrap_or_default();
            let _ = is_activity_json(prefix);
            let _ = read_activity_json("t.json", prefix, &mut Parsed::default());
        }
        for i in (0..bytes.len()).step_by(7) {
            let mut flipped = bytes.clone();
            if let Some(b) = flipped.get_mut(i) {
                *b ^= 0x5a;
            }
            let _ = is_activity_json(&flipped);
            let _ = read_activity_json("c.json", &flipped, &mut Parsed::default());
        }
    }
}

proptest! {
    #[test]
    fn random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..600)) {
        let _ = is_activity_json(&bytes);
        let _ = read_activity_json("r.json", &bytes, &mut Parsed::default());
    }

    #[test]
    fn json_like_text_never_panics(text in "[\\[\\]{}\",:0-9a-z_ \\\\]{0,200}") {
        let _ = is_activity_json(text.as_bytes());
        let _ = read_activity_json("j.json", text.as_bytes(), &mut Parsed::default());
    }
}
