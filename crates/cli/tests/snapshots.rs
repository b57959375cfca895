//! The whole terminal report, snapshot-tested (insta), for the demo and for small edge cases: a
//! tiny chat, a handful of messages, a step-back with no data after it yet, a group, and a
//! data end taken from the file's date. Every wording change shows up here for review, so
//! that no sentence reaches a worried reader unread (issue 7).

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use assert_cmd::Command;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Runs `walkaway report ARGS` on a fresh database and returns stdout (the report only).
fn report(dir: &Path, args: &[&str]) -> String {
    let out = Command::cargo_bin("walkaway")
        .unwrap()
        .env("WALKAWAY_DB", dir.join("w.db"))
        .env("TZ", "UTC")
        .env("NO_COLOR", "1")
        .arg("report")
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// Writes a chat file dated `saved` (seconds after 2026-01-01T00:00Z).
fn chat(dir: &Path, name: &str, text: &str, saved_days: u64) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    let base = SystemTime::UNIX_EPOCH + Duration::from_secs(1_767_225_600);
    let f = std::fs::File::options().write(true).open(&p).unwrap();
    f.set_modified(base + Duration::from_secs(saved_days * 86_400))
        .unwrap();
    p
}

#[test]
fn demo_report() {
    let dir = tempfile::tempdir().unwrap();
    let demo = root().join("examples/demo");
    let text = report(
        dir.path(),
        &[
            demo.to_str().unwrap(),
            "--tz",
            "UTC",
            "--as-of",
            "2026-10-31",
            "--stepback",
            "2026-10-01",
            "--instagram",
            "sam.rivera",
        ],
    );
    insta::assert_snapshot!("demo", text);
}

const ONE: &str = "2026-10-01, 10:00 - Alex: hi, are you free later?\n\
                   2026-10-01, 10:00 - Sam: yes!\n";

#[test]
fn one_conversation() {
    // Issue 7: "Strong imbalance … +1.00, 95% CI +1.00 to +1.00", "half within 27 s–27 s".
    let dir = tempfile::tempdir().unwrap();
    let p = chat(dir.path(), "WhatsApp Chat with Sam.txt", ONE, 273);
    let text = report(dir.path(), &[p.to_str().unwrap(), "--me", "Alex"]);
    insta::assert_snapshot!("one_conversation", text);
}

const FOUR: &str = "2026-10-01, 10:00 - Alex: hi, are you free later?\n\
                    2026-10-01, 10:01 - Sam: yes!\n\
                    2026-10-03, 18:00 - Sam: where are you?\n\
                    2026-10-03, 18:05 - Alex: home\n";

#[test]
fn four_messages_with_a_step_back_and_a_file_date() {
    // The file was saved on 2026-11-30, eight weeks after the last message: every verdict that
    // depends on that says so. One "where are you?" is listed calmly, with no helpline banner.
    let dir = tempfile::tempdir().unwrap();
    let p = chat(dir.path(), "WhatsApp Chat with Sam.txt", FOUR, 333);
    let text = report(
        dir.path(),
        &[
            p.to_str().unwrap(),
            "--me",
            "Alex",
            "--stepback",
            "2026-10-02",
        ],
    );
    assert!(!text.contains("helpline"));
    insta::assert_snapshot!("four_messages_step_back", text);
}

#[test]
fn no_data_after_the_step_back_yet() {
    // Issue 7: "the data ends before the step-back starts" *and* "as usual".
    let dir = tempfile::tempdir().unwrap();
    let p = chat(dir.path(), "WhatsApp Chat with Sam.txt", FOUR, 276);
    let text = report(
        dir.path(),
        &[
            p.to_str().unwrap(),
            "--me",
            "Alex",
            "--stepback",
            "2026-10-20",
            "--as-of",
            "2026-10-05",
        ],
    );
    assert!(!text.contains("Compared with their own usual"));
    assert!(
        !text.contains("nothing has clearly changed") && !text.contains("Too early to compare")
    );
    insta::assert_snapshot!("no_data_yet", text);
}

const GROUP: &str = "2026-09-01, 10:00 - Dave created group \"Friday climbing\"\n\
                     2026-09-01, 10:00 - Dave added Alex\n\
                     2026-09-01, 10:01 - Dave: who is in for friday?\n\
                     2026-09-01, 10:03 - Alex: me!\n\
                     2026-09-01, 10:04 - Priya: me too\n\
                     2026-09-01, 10:05 - Dave removed Tom\n\
                     2026-09-02, 18:00 - Priya: see you there\n\
                     2026-09-02, 18:02 - Dave: great\n";

#[test]
fn a_group() {
    let dir = tempfile::tempdir().unwrap();
    let p = chat(dir.path(), "chat.txt", GROUP, 244);
    let text = report(dir.path(), &[p.to_str().unwrap(), "--me", "Alex"]);
    assert!(text.contains("\"Friday climbing\""));
    assert!(!text.contains("Dave, Alex"));
    insta::assert_snapshot!("group", text);
}

#[test]
fn the_answers_carry_no_jargon() {
    // Issue 7 item 8: statistics belong to the last section only; tags are never shown raw.
    let dir = tempfile::tempdir().unwrap();
    let demo = root().join("examples/demo");
    let text = report(
        dir.path(),
        &[
            demo.to_str().unwrap(),
            "--tz",
            "UTC",
            "--as-of",
            "2026-10-31",
            "--stepback",
            "2026-10-01",
            "--instagram",
            "sam.rivera",
        ],
    );
    let answers = &text[..text.find("HOW THIS WAS WORKED OUT").unwrap()];
    for jargon in [
        "log-rank",
        "p =",
        "95% CI",
        "n =",
        "MONITORING",
        "MISSES_YOU",
        "MEET_REQUEST",
        "seed",
        "turns",
        "half within",
        "bootstrap",
        "hazard",
        "(first:",
        "1 conversations",
        "1 messages",
    ] {
        assert!(!answers.contains(jargon), "{jargon:?} in the answers");
    }
    // At most five change points; the reach-out list says how many more there are.
    let shifts = answers.matches("Around the week of").count();
    assert!((1..=5).contains(&shifts), "{shifts}");
    assert!(answers.contains("… and 10 more"));
    // No figure twice: days kept is said once.
    assert_eq!(answers.matches("2.9 days").count(), 1);
}

#[test]
fn no_chart_for_a_null_figure() {
    // Issue 7 item 2: the HTML drew a survival curve flat at 100% under "No forecast".
    let dir = tempfile::tempdir().unwrap();
    let p = chat(dir.path(), "WhatsApp Chat with Sam.txt", ONE, 273);
    let html = dir.path().join("r.html");
    report(
        dir.path(),
        &[
            p.to_str().unwrap(),
            "--me",
            "Alex",
            "--html",
            html.to_str().unwrap(),
        ],
    );
    let page = std::fs::read_to_string(&html).unwrap();
    assert!(page.contains("No forecast yet"));
    assert!(!page.contains("<svg"), "a chart for a null figure");
    assert!(!page.contains("+1.00"));
}

/// A chat whose names and texts are distinctive strings, so a search of the whole output finds
/// any that survive.
const SECRET: &str = "2026-09-01, 10:00 - Zephyrinea Quox: wombatfeather are you free later?\n\
                      2026-09-01, 10:01 - Balthazor Vrell: yes marmaladecastle!\n\
                      2026-09-03, 18:00 - Balthazor Vrell: where are you? quinceorbit\n\
                      2026-09-03, 18:05 - Zephyrinea Quox: home velvetanchor\n\
                      2026-09-05, 09:00 - Balthazor Vrell: who are you with?? tangerinedrum\n\
                      2026-09-05, 09:02 - Zephyrinea Quox: friends copperlantern\n\
                      2026-09-10, 20:00 - Zephyrinea Quox: miss you glacierpoppy\n\
                      2026-09-10, 20:01 - Balthazor Vrell: call me saffronkettle\n\
                      2026-09-12, 08:00 - Balthazor Vrell: where are you now cobaltmeadow\n";

#[test]
fn redacted_output_keeps_no_name_handle_or_text() {
    let dir = tempfile::tempdir().unwrap();
    let p = chat(
        dir.path(),
        "WhatsApp Chat with Balthazor Vrell.txt",
        SECRET,
        260,
    );
    let html = dir.path().join("r.html");
    let args = [
        p.to_str().unwrap(),
        "--me",
        "Zephyrinea Quox",
        "--stepback",
        "2026-09-04",
        "--redact",
    ];
    let text = report(dir.path(), &args);
    let mut with_html = args.to_vec();
    with_html.extend(["--html", html.to_str().unwrap()]);
    let printed = report(dir.path(), &with_html);
    let page = std::fs::read_to_string(&html).unwrap();
    let mut json_args = args.to_vec();
    json_args.push("--json");
    let json = report(dir.path(), &json_args);
    // Unredacted, the names and texts are there (the test would prove nothing otherwise).
    let plain = report(dir.path(), &args[..5]);
    assert!(plain.contains("Balthazor Vrell") && plain.contains("quinceorbit"));
    for out in [&text, &printed, &page, &json] {
        for secret in [
            "Zephyrinea",
            "Quox",
            "Balthazor",
            "Vrell",
            "wombatfeather",
            "marmaladecastle",
            "quinceorbit",
            "velvetanchor",
            "tangerinedrum",
            "copperlantern",
            "glacierpoppy",
            "saffronkettle",
            "cobaltmeadow",
        ] {
            assert!(
                !out.to_lowercase().contains(&secret.to_lowercase()),
                "{secret} survived redaction"
            );
        }
    }
    // What is left still says who did what, with dates.
    assert!(page.contains("Them") && page.contains("2026-09-05 09:00"));
    assert!(text.contains("Them"));
}

/// The demo's JSON and HTML reports.
fn demo_json_and_html(dir: &Path) -> (String, String) {
    let demo = root().join("examples/demo");
    let html = dir.join("demo.html");
    let args = [
        demo.to_str().unwrap(),
        "--tz",
        "UTC",
        "--as-of",
        "2026-10-31",
        "--stepback",
        "2026-10-01",
        "--instagram",
        "sam.rivera",
    ];
    let mut with_html = args.to_vec();
    with_html.extend(["--json", "--html", html.to_str().unwrap()]);
    let json = report(dir, &with_html);
    (json, std::fs::read_to_string(&html).unwrap())
}

#[test]
fn the_html_says_everything_the_terminal_says() {
    // Issue 9: the HTML left out half of what the terminal says. Both lay out one document;
    // every sentence and every evidence item of it must be in the page.
    use walkaway_report::html::esc;
    use walkaway_report::words::{Block, document};
    let dir = tempfile::tempdir().unwrap();
    let (json, page) = demo_json_and_html(dir.path());
    // Names in sentences are isolated in <bdi>; the words are the same.
    let page = page.replace("<bdi>", "").replace("</bdi>", "");
    let r: walkaway_report::json::Report = serde_json::from_str(&json).unwrap();
    let doc = document(&r);
    let mut checked = 0;
    for b in doc
        .intro
        .iter()
        .chain(doc.sections.iter().flat_map(|s| s.blocks.iter()))
    {
        match b {
            Block::Lead(t) | Block::Text(t) | Block::Note(t) => {
                assert!(page.contains(&esc(t)), "missing from the HTML: {t}");
                checked += 1;
            }
            Block::Evidence { items, .. } => {
                for it in items {
                    assert!(page.contains(&esc(&it.at)), "{}", it.at);
                    assert!(page.contains(&esc(&it.text)), "{}", it.text);
                    checked += 1;
                }
            }
            Block::Table { rows, .. } => {
                for row in rows {
                    for c in row.iter().skip(1) {
                        assert!(page.contains(&format!("\">{}</td>", esc(c))), "{c}");
                    }
                }
            }
            Block::Chart(_) => {}
        }
    }
    assert!(checked > 60, "{checked}");
    for s in &doc.sections {
        assert!(page.contains(&esc(&s.heading)), "{}", s.heading);
    }
}

#[test]
fn the_demo_page_is_self_contained_and_its_charts_are_readable() {
    let dir = tempfile::tempdir().unwrap();
    let (_, page) = demo_json_and_html(dir.path());
    // One file: no script, nothing fetched, a CSP that forbids fetching.
    assert!(page.contains("default-src 'none'"));
    for bad in [
        "<script", "src=", "href=", "url(", "@import", "http://", "https://",
    ] {
        assert!(!page.contains(bad), "{bad} in the page");
    }
    // Every chart has a text alternative, the same viewBox width and legible text: at a 390 px
    // phone a chart is about 344 px wide, so 14 units render at about 12 px.
    let charts = page.matches("<svg").count();
    assert!(charts >= 8, "{charts} charts");
    assert!(page.matches("<title>").count() > charts);
    assert_eq!(page.matches("<desc>").count(), charts);
    assert_eq!(page.matches("viewBox=\"0 0 400 ").count(), charts);
    assert_eq!(page.matches("font-size=\"14\"").count(), charts);
    assert_eq!(page.matches("<figcaption>").count(), charts);
    // Round ticks in units people use; months named.
    for tick in [
        ">1 min<", ">10 min<", ">1 h<", ">2 days<", ">Feb<", ">2026<", ">50%<",
    ] {
        assert!(page.contains(tick), "no tick {tick}");
    }
    assert!(page.contains("<bdi>Feb 2026</bdi>"));
    assert!(!page.contains(" h, ") && !page.contains(">32.5 h<"));
    // Phone first: tables reflow into cards, long words wrap.
    assert!(page.contains("@media (max-width:760px)"));
    assert!(page.contains("overflow-wrap:anywhere"));
    assert!(page.contains("prefers-color-scheme:dark") && page.contains("@media print"));
}

/// Names and texts an export could carry that must reach the page as text only.
const HOSTILE: &str = "2026-09-01, 10:00 - Alex: hi <script>alert(1)</script>\n\
                       2026-09-01, 10:01 - Sam<img src=x onerror=alert(2)>: \u{202e}evil txt\n\
                       2026-09-03, 18:00 - Sam<img src=x onerror=alert(2)>: where are you? \u{202e}evil txt \
                       Pneumonoultramicroscopicsilicovolcanoconiosis\
                       Pneumonoultramicroscopicsilicovolcanoconiosis\
                       Pneumonoultramicroscopicsilicovolcanoconiosis\n\
                       2026-09-03, 18:05 - Alex: \"quoted\" & 'single' </q></bdi></details>\n";

#[test]
fn text_from_the_export_is_escaped_isolated_and_wraps() {
    let dir = tempfile::tempdir().unwrap();
    let p = chat(dir.path(), "WhatsApp Chat with Sam.txt", HOSTILE, 250);
    let html = dir.path().join("r.html");
    report(
        dir.path(),
        &[
            p.to_str().unwrap(),
            "--me",
            "Alex",
            "--stepback",
            "2026-09-02",
            "--html",
            html.to_str().unwrap(),
        ],
    );
    let page = std::fs::read_to_string(&html).unwrap();
    assert!(
        !page.contains("<script") && !page.contains("<img"),
        "{page}"
    );
    assert!(!page.contains("</q></bdi></details>\n"));
    assert!(page.contains("&lt;img src=x onerror=alert(2)&gt;"));
    assert!(page.contains("&lt;/q&gt;&lt;/bdi&gt;&lt;/details&gt;"));
    // A right-to-left override stays inside its own isolated span.
    let at = page.find('\u{202e}').expect("the message is shown");
    let before = &page[..at];
    assert!(
        before.ends_with("<q><bdi>where are you? "),
        "{}",
        &before[before.len() - 40..]
    );
    // Names inside sentences are isolated too.
    assert!(page.contains("<bdi>Sam&lt;img src=x onerror=alert(2)&gt;</bdi> "));
    // The 135-letter word is shown whole; CSS wraps it anywhere instead of widening the page.
    assert!(page.contains("coniosisPneumono"));
    assert!(
        page.contains(
            "main{max-width:760px;margin:0 auto;padding:20px 16px;overflow-wrap:anywhere"
        )
    );
}
