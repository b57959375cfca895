use super::*;

fn demo() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/demo")
}

fn file(path: &std::path::Path, name: &str) -> FileIn {
    FileIn {
        name: name.to_owned(),
        bytes: std::fs::read(path).expect("demo file"),
        modified: Some(1_800_000_000_000),
    }
}

/// The demo's WhatsApp chat and its Instagram folder, as a browser hands them over.
fn demo_session() -> Session {
    let mut s = Session::new();
    s.add(file(
        &demo().join("WhatsApp Chat with Sam.txt"),
        "WhatsApp Chat with Sam.txt",
    ));
    let base = demo().join("instagram");
    for rel in [
        "your_instagram_activity/likes/liked_posts.json",
        "your_instagram_activity/comments/post_comments_1.json",
        "your_instagram_activity/story_interactions/story_likes.json",
    ] {
        s.add(file(&base.join(rel), &format!("instagram/{rel}")));
    }
    s
}

fn demo_options() -> ReportOptions {
    ReportOptions {
        chat: 0,
        tz: "UTC".into(),
        me: Some("Alex".into()),
        as_of: Some("2026-10-31".into()),
        stepback: Some("2026-10-01".into()),
        instagram: vec!["@Sam.Rivera".into()],
        today: Some("2026-11-30".into()),
        ..ReportOptions::default()
    }
}

#[test]
fn says_what_the_files_hold() {
    let mut s = demo_session();
    let found = s.inspect("UTC").unwrap();
    assert_eq!(found.files.len(), 2, "{found:?}");
    assert_eq!(found.files[0].format, Some("whatsapp-android"));
    assert_eq!(found.files[1].name, "instagram");
    assert_eq!(found.files[1].format, Some("instagram-activity"));
    assert!(found.files[1].activity > 0);
    let [chat] = found.chats.as_slice() else {
        panic!("one chat expected: {found:?}")
    };
    assert_eq!(chat.people, ["Alex", "Sam"]);
    assert_eq!(chat.me, Some(0), "the export says Alex is the user");
    assert_eq!(chat.source, Some("whatsapp"));
    assert!(chat.id.starts_with("wa-"), "{}", chat.id);
    assert_eq!(chat.first_day.as_deref(), Some("2026-02-01"));
    assert_eq!(chat.data_end_source, Some("file_modified"));
    assert!(found.instagram_accounts.contains(&"sam.rivera".to_owned()));
}

#[test]
fn reports_in_both_shapes() {
    let mut s = demo_session();
    let r = s.report(&demo_options()).unwrap();
    let v: serde_json::Value = serde_json::from_str(&r.json).unwrap();
    assert_eq!(v["schema_version"], 1);
    assert_eq!(v["me"], "Alex");
    assert_eq!(v["partner"], "Sam");
    assert_eq!(v["stepback"]["date"], "2026-10-01");
    assert!(v["stepback"]["breaches"].as_u64().unwrap() > 0);
    let kinds: Vec<&str> = v["stepback"]["breach_list"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|b| b["kind"].as_str())
        .collect();
    assert!(kinds.contains(&"liked_or_commented"), "{kinds:?}");
    assert!(r.html.starts_with("<!DOCTYPE html>") || r.html.starts_with("<!doctype html>"));
    assert!(r.html.contains("Sam"));
    assert!(r.notes.is_empty(), "{:?}", r.notes);
}

#[test]
fn the_same_reading_in_every_zone_asked_twice() {
    let mut s = demo_session();
    let a = s.report(&demo_options()).unwrap().json;
    let b = s.report(&demo_options()).unwrap().json;
    assert_eq!(a, b);
    let berlin = ReportOptions {
        tz: "Europe/Berlin".into(),
        ..demo_options()
    };
    let c = s.report(&berlin).unwrap().json;
    assert!(c.contains("Europe/Berlin"));
}

#[test]
fn asks_what_it_must_and_refuses_what_is_wrong() {
    let mut s = Session::new();
    let text = "1/2/26, 10:00 - Ana: hi\n1/2/26, 10:05 - Ben: hello\n1/3/26, 09:00 - Ben: hey?\n";
    s.add(FileIn {
        name: "WhatsApp Chat with Ben.txt".into(),
        bytes: text.as_bytes().to_vec(),
        modified: None,
    });
    let found = s.inspect("UTC").unwrap();
    assert_eq!(
        found.chats[0].me, None,
        "this export does not say who the user is"
    );
    let o = ReportOptions {
        tz: "UTC".into(),
        ..ReportOptions::default()
    };
    let err = s.report(&o).unwrap_err();
    assert!(err.contains("which participant is you"), "{err}");
    let err = s
        .report(&ReportOptions {
            me: Some("Zed".into()),
            ..o.clone()
        })
        .unwrap_err();
    assert!(err.contains("Ana, Ben"), "{err}");
    let ok = ReportOptions {
        me: Some("ana".into()),
        ..o.clone()
    };
    assert!(s.report(&ok).is_ok());
    for (bad, says) in [
        (
            ReportOptions {
                tz: "Mars/Olympus".into(),
                ..ok.clone()
            },
            "unknown time zone",
        ),
        (
            ReportOptions {
                stepback: Some("2025-01-01".into()),
                ..ok.clone()
            },
            "before the chat's first message",
        ),
        (
            ReportOptions {
                as_of: Some("2026-13-01".into()),
                ..ok.clone()
            },
            "YYYY-MM-DD",
        ),
        (
            ReportOptions {
                as_of: Some("2026-05-01".into()),
                today: Some("2026-04-01".into()),
                ..ok.clone()
            },
            "after today",
        ),
        (
            ReportOptions {
                chat: 3,
                ..ok.clone()
            },
            "no chat number 3",
        ),
    ] {
        let err = s.report(&bad).unwrap_err();
        assert!(err.contains(says), "{err}");
    }
}

#[test]
fn a_file_it_cannot_read_is_said_not_fatal() {
    let mut s = Session::new();
    s.add(FileIn {
        name: "photo.png".into(),
        bytes: vec![0x89, b'P', b'N', b'G', 0, 1, 2, 3],
        modified: None,
    });
    s.add(FileIn {
        name: "empty.txt".into(),
        bytes: Vec::new(),
        modified: None,
    });
    let found = s.inspect("UTC").unwrap();
    assert_eq!(found.chats.len(), 0);
    assert_eq!(found.files.len(), 2);
    assert!(found.files.iter().all(|f| f.error.is_some()), "{found:?}");
}

#[test]
fn text_from_an_export_never_becomes_markup() {
    let mut s = Session::new();
    let text = "1/2/26, 10:00 - <script>alert(1)</script>: <img src=x onerror=alert(2)>\n\
                1/2/26, 10:05 - Ben: where are you? <b>now</b>\n\
                1/3/26, 09:00 - <script>alert(1)</script>: \"><svg onload=alert(3)>\n";
    s.add(FileIn {
        name: "WhatsApp Chat with Ben.txt".into(),
        bytes: text.as_bytes().to_vec(),
        modified: None,
    });
    let r = s
        .report(&ReportOptions {
            tz: "UTC".into(),
            me: Some("Ben".into()),
            ..ReportOptions::default()
        })
        .unwrap();
    for bad in ["<script>alert", "<img src=x", "<svg onload", "<b>now"] {
        assert!(!r.html.contains(bad), "{bad} survived into the HTML");
    }
    assert!(r.html.contains("&lt;script&gt;"));
}

/// One person in two apps: a WhatsApp chat and a CSV export, one message seen in both.
fn two_app_session() -> Session {
    let wa = "1/15/24, 18:30 - Sam: are you free tonight?\n\
              1/15/24, 18:42 - Alex: yes, after 8\n\
              1/16/24, 09:00 - Alex: morning\n\
              1/16/24, 09:30 - Sam: hey\n";
    let csv = "timestamp,sender,text,is_me,kind,handle\n\
               2024-01-16 09:31,Sam,hey,false,,+1 555 000 1111\n\
               2024-01-20 10:00,Me,long time,true,,\n\
               2024-01-20 10:05,Sam,yes!,false,,+1 555 000 1111\n";
    let mut s = Session::new();
    for (name, text) in [("WhatsApp Chat with Sam.txt", wa), ("sam.csv", csv)] {
        s.add(FileIn {
            name: name.to_owned(),
            bytes: text.as_bytes().to_vec(),
            modified: Some(1_706_000_000_000),
        });
    }
    s
}

#[test]
fn suggests_one_person_across_apps_and_merges_only_when_asked() {
    let mut s = two_app_session();
    let found = s.inspect("UTC").unwrap();
    assert_eq!(found.chats.len(), 2, "{:?}", found.files);
    let [suggestion] = found.suggestions.as_slice() else {
        panic!("{:?}", found.suggestions)
    };
    let mut chats = suggestion.chats.clone();
    chats.sort_unstable();
    assert_eq!(chats, [0, 1]);
    assert_eq!(suggestion.name, "Sam");
    assert!(
        suggestion.why.contains("\"Sam\"") && suggestion.why.contains("WhatsApp and CSV"),
        "{}",
        suggestion.why
    );

    let wa = found
        .chats
        .iter()
        .position(|c| c.source == Some("whatsapp"))
        .unwrap();
    let csv = found
        .chats
        .iter()
        .position(|c| c.source == Some("csv"))
        .unwrap();
    // Not merged unless asked: the WhatsApp chat alone has its own four messages.
    let one = ReportOptions {
        chat: wa,
        tz: "UTC".into(),
        me: Some("Alex".into()),
        today: Some("2026-11-30".into()),
        ..ReportOptions::default()
    };
    let alone: serde_json::Value = serde_json::from_str(&s.report(&one).unwrap().json).unwrap();
    assert_eq!(alone["messages"]["total"], 4);
    assert!(alone["person"].is_null());

    let merged = ReportOptions {
        merge: vec![MergeWith {
            chat: csv,
            me: None,
        }],
        ..one
    };
    let r = s.report(&merged).unwrap();
    let v: serde_json::Value = serde_json::from_str(&r.json).unwrap();
    // 4 + 3 messages, the "hey" seen in both apps a minute apart counted once.
    assert_eq!(v["messages"]["total"], 6, "{}", r.json);
    assert_eq!(v["partner"], "Sam");
    assert_eq!(v["person"]["name"], "Sam");
    assert_eq!(v["coverage"]["duplicates"], 1);
    let sources: Vec<&str> = v["sources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["source"].as_str().unwrap())
        .collect();
    assert_eq!(sources, ["whatsapp", "csv"]);
    assert!(r.html.contains("CSV") && r.html.contains("WhatsApp"));
    // Redacted, the merged report keeps no name, handle or text either.
    let hidden = s
        .report(&ReportOptions {
            redact: true,
            ..merged.clone()
        })
        .unwrap();
    for out in [&hidden.html, &hidden.json] {
        for secret in ["Sam", "Alex", "+15550001111", "long time", "free tonight"] {
            assert!(!out.contains(secret), "{secret} survived redaction");
        }
    }

    // A group or a chat that is not there is refused in words.
    let bad = ReportOptions {
        merge: vec![MergeWith { chat: 9, me: None }],
        ..ReportOptions {
            chat: wa,
            tz: "UTC".into(),
            me: Some("Alex".into()),
            ..ReportOptions::default()
        }
    };
    assert!(s.report(&bad).unwrap_err().contains("no chat number 9"));
}

#[test]
fn a_redacted_report_keeps_no_name_or_message() {
    let mut s = demo_session();
    let plain = s.report(&demo_options()).unwrap();
    assert!(plain.html.contains("you went quiet"));
    let r = s
        .report(&ReportOptions {
            redact: true,
            ..demo_options()
        })
        .unwrap();
    for out in [&r.html, &r.json] {
        for secret in ["Sam", "Alex", "you went quiet", "sam.rivera"] {
            assert!(!out.contains(secret), "{secret} survived redaction");
        }
    }
    assert!(r.html.contains("Them"));
}

/// A phone's SMS backup folder dropped whole: messages and call log are read file by file,
/// and a photo beside them is neither read nor reported.
#[test]
fn a_folder_of_several_exports_is_read_file_by_file() {
    let mut s = Session::new();
    let sms = r#"<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>
<smses count="2">
  <sms protocol="0" address="+15550001111" date="1767261600000" type="1" body="hey" read="1" status="-1" contact_name="Sam" />
  <sms protocol="0" address="+15550001111" date="1767261660000" type="2" body="yes" read="1" status="-1" contact_name="Sam" />
</smses>
"#;
    let calls = r#"<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>
<calls count="1">
  <call number="+15550001111" duration="0" date="1767265300000" type="3" contact_name="Sam" />
</calls>
"#;
    for (name, bytes) in [
        ("SMSBackup/sms-1.xml", sms.as_bytes()),
        ("SMSBackup/calls-1.xml", calls.as_bytes()),
        ("SMSBackup/photo.jpg", &[0xFF, 0xD8, 0xFF, 0xE0][..]),
    ] {
        s.add(FileIn {
            name: name.to_owned(),
            bytes: bytes.to_vec(),
            modified: None,
        });
    }
    let found = s.inspect("UTC").unwrap();
    let formats: Vec<_> = found
        .files
        .iter()
        .map(|f| (f.name.as_str(), f.format))
        .collect();
    assert_eq!(
        formats,
        [
            ("SMSBackup/sms-1.xml", Some("sms-xml")),
            ("SMSBackup/calls-1.xml", Some("sms-calls-xml"))
        ],
        "{:?}",
        found.files
    );
    assert_eq!(found.chats.len(), 2);
}

/// Bytes behind a `ReadAt`, counting what was fetched.
struct Behind {
    bytes: Vec<u8>,
    fetched: std::cell::Cell<u64>,
}

impl ReadAt for Behind {
    fn read_at(&self, pos: u64, buf: &mut [u8]) -> std::io::Result<usize> {
        let start = (pos as usize).min(self.bytes.len());
        let n = buf.len().min(self.bytes.len() - start);
        buf[..n].copy_from_slice(&self.bytes[start..start + n]);
        self.fetched.set(self.fetched.get() + n as u64);
        Ok(n)
    }
}

#[test]
fn a_zip_read_where_it_is_gives_the_report_its_bytes_give() {
    // The demo chat zipped with 6 MiB of video beside it, as "Attach media" exports it.
    let chat = std::fs::read(demo().join("WhatsApp Chat with Sam.txt")).unwrap();
    let video: Vec<u8> = (0..6u32 << 20)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    let mut buf = std::io::Cursor::new(Vec::new());
    {
        let mut w = zip::ZipWriter::new(&mut buf);
        let stored = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Stored);
        w.start_file("VID-20260301-WA0003.mp4", stored).unwrap();
        w.write_all(&video).unwrap();
        w.start_file(
            "WhatsApp Chat with Sam.txt",
            stored.compression_method(zip::CompressionMethod::Deflated),
        )
        .unwrap();
        w.write_all(&chat).unwrap();
        w.finish().unwrap();
    }
    let zip = buf.into_inner();
    let o = ReportOptions {
        instagram: Vec::new(),
        ..demo_options()
    };

    let mut whole = Session::new();
    whole.add(FileIn {
        name: "WhatsApp Chat with Sam.zip".into(),
        bytes: zip.clone(),
        modified: Some(1_800_000_000_000),
    });
    let found_whole = whole.inspect("UTC").unwrap();
    let expected = whole.report(&o).unwrap();

    let behind = Rc::new(Behind {
        bytes: zip.clone(),
        fetched: std::cell::Cell::new(0),
    });
    let mut far = Session::new();
    far.add_zip_at(FarZip {
        name: "WhatsApp Chat with Sam.zip".into(),
        reader: behind.clone(),
        len: zip.len() as u64,
        modified: Some(1_800_000_000_000),
    });
    let found = far.inspect("UTC").unwrap();
    assert_eq!(
        serde_json::to_string(&found).unwrap(),
        serde_json::to_string(&found_whole).unwrap()
    );
    assert_eq!(found.chats.len(), 1);
    let got = far.report(&o).unwrap();
    assert_eq!(got.json, expected.json);
    let fetched = behind.fetched.get();
    assert!(
        fetched < (chat.len() + (256 << 10)) as u64,
        "fetched {fetched} bytes for a {} byte chat in a {} byte zip",
        chat.len(),
        zip.len()
    );

    // A damaged zip says so under its own name, beside the files that could be read.
    let mut damaged = Session::new();
    damaged.add_zip_at(FarZip {
        name: "broken.zip".into(),
        reader: Rc::new(Behind {
            bytes: zip[..zip.len() / 2].to_vec(),
            fetched: std::cell::Cell::new(0),
        }),
        len: (zip.len() / 2) as u64,
        modified: None,
    });
    let found = damaged.inspect("UTC").unwrap();
    assert_eq!(found.files[0].name, "broken.zip");
    assert!(
        found.files[0]
            .error
            .as_deref()
            .unwrap_or("")
            .contains("broken.zip")
    );
}

#[test]
fn a_folders_photos_arrive_empty_and_change_nothing() {
    // The page hands a folder's photos and videos over by name only (worker.js): the folder
    // reads as it does with them.
    let chat = std::fs::read(demo().join("WhatsApp Chat with Sam.txt")).unwrap();
    let mut s = Session::new();
    for (name, bytes) in [
        ("Sam/IMG-20261001-WA0001.jpg", Vec::new()),
        ("Sam/WhatsApp Chat with Sam.txt", chat),
        ("Sam/VID-20261002-WA0002.mp4", Vec::new()),
    ] {
        assert_eq!(walkaway_import::worth_trying(name), !bytes.is_empty());
        s.add(FileIn {
            name: name.to_owned(),
            bytes,
            modified: Some(1_800_000_000_000),
        });
    }
    let found = s.inspect("UTC").unwrap();
    assert_eq!(found.chats.len(), 1, "{:?}", found.files);
    assert!(
        found.files.iter().all(|f| f.error.is_none()),
        "{:?}",
        found.files
    );
    let o = ReportOptions {
        instagram: Vec::new(),
        ..demo_options()
    };
    let v: serde_json::Value = serde_json::from_str(&s.report(&o).unwrap().json).unwrap();
    assert_eq!(v["messages"]["total"], 2756);
}

#[test]
fn the_app_says_how_to_change_the_export_date_in_its_own_words() {
    // A tiny chat whose data end is the file's own date: the report says what it assumes and
    // how to correct it. In the app that is its question, not a command-line flag.
    let mut s = Session::new();
    s.add(FileIn {
        name: "jo.csv".into(),
        bytes: b"timestamp,sender,text,is_me\n\
                 2026-11-20 10:00,Me,hey,true\n\
                 2026-11-20 10:40,Jo,yes!,false\n"
            .to_vec(),
        modified: Some(1_796_083_200_000), // 2026-12-01
    });
    s.inspect("UTC").unwrap();
    let o = ReportOptions {
        tz: "UTC".into(),
        today: Some("2026-12-01".into()),
        // The step-back's verdict carries the same clause.
        stepback: Some("2026-11-21".into()),
        ..ReportOptions::default()
    };
    let r = s.report(&o).unwrap();
    assert!(
        r.html.contains("assuming this export was made on"),
        "{}",
        r.html
    );
    let json: serde_json::Value = serde_json::from_str(&r.json).unwrap();
    let verdict = json["stepback"]["explanation"].to_string();
    assert!(
        verdict.contains("--as-of"),
        "the JSON is the command line's: {verdict}"
    );
    assert!(r.html.contains("When did you export this?"));
    assert!(!r.html.contains("--as-of"), "a flag the app has not");
    // Given in the app, the date is named as the app asked for it.
    let given = s
        .report(&ReportOptions {
            as_of: Some("2026-11-25".into()),
            ..o
        })
        .unwrap();
    assert!(!given.html.contains("--as-of"));
    assert!(
        given
            .html
            .contains("the date you gave for when you exported it")
    );
}
