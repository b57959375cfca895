//! What a file walkaway does not read looks like, and what to do instead: a refusal names the
//! thing the user is holding ("a photo from the export", "a Telegram export in HTML") and the
//! way to the export walkaway reads, rather than listing every format it knows.
//!
//! Recognised from the content (magic numbers, markup), except for encrypted backups, whose
//! content is random by design and which only their names give away.

/// A sentence that follows the file's name: "is …; …". `None` when nothing is recognised.
pub(crate) fn recognise(name: &str, bytes: &[u8]) -> Option<String> {
    let head = bytes.get(..4096).unwrap_or(bytes);
    let lower_name = name.to_ascii_lowercase();
    let ext = lower_name.rsplit('.').next().unwrap_or("");

    if matches!(ext, "crypt12" | "crypt14" | "crypt15") {
        return Some(
            "is an encrypted WhatsApp backup, which no tool can read without WhatsApp's key; \
             export the chat from WhatsApp instead (open the chat, ⋮ or the name → Export chat \
             → Without media), see docs/formats/whatsapp.md"
                .to_owned(),
        );
    }
    if ext == "backup" && !head.is_ascii() {
        return Some(
            "looks like an encrypted Signal backup, which walkaway does not read; \
             docs/formats/signal.md says which Signal exports it reads and how to make one"
                .to_owned(),
        );
    }
    if let Some(kind) = media(head) {
        return Some(format!(
            "is {kind}, not a chat: exports keep media beside the chat; give walkaway the \
             chat's own file (WhatsApp's .txt, Telegram's result.json, …) or the whole export \
             folder or zip"
        ));
    }
    if head.starts_with(b"%PDF-") {
        return Some(
            "is a PDF document, not a chat export; export the chat from the app itself \
             (docs/formats/ has a page per app), or put the messages into a CSV as \
             docs/formats/csv.md describes"
                .to_owned(),
        );
    }
    if head.starts_with(b"{\\rtf") {
        return Some(
            "is a rich-text (RTF) document; save it as plain text (.txt), or put the messages \
             into a CSV as docs/formats/csv.md describes"
                .to_owned(),
        );
    }
    let text = String::from_utf8_lossy(head).to_ascii_lowercase();
    if text.trim_start().starts_with("begin:vcard") {
        return Some(
            "is an address-book card (vCard), which holds contacts, not messages".to_owned(),
        );
    }
    // Only a file that *starts* as a web page is one: a chat may quote markup.
    let start = text.trim_start_matches('\u{feff}').trim_start();
    let html = start.starts_with("<!doctype html") || start.starts_with("<html");
    if html {
        if text.contains("telegram") || text.contains("class=\"page_wrap\"") {
            return Some(
                "looks like a Telegram export in HTML, which walkaway does not read; export \
                 the chat again from Telegram Desktop with Format: \"Machine-readable JSON\" \
                 (⋮ → Export chat history), see docs/formats/telegram.md"
                    .to_owned(),
            );
        }
        if ["facebook", "instagram", "messenger", "meta platforms"]
            .iter()
            .any(|w| text.contains(w))
        {
            return Some(
                "looks like Meta's \"Download your information\" in HTML, which walkaway does \
                 not read; request the download again with Format: JSON, see \
                 docs/formats/messenger.md and docs/formats/instagram.md"
                    .to_owned(),
            );
        }
        return Some(
            "is a web page (HTML), not a chat export; if an app gave it to you as its export, \
             look in docs/formats/ for that app's readable export, or put the messages into a \
             CSV as docs/formats/csv.md describes"
                .to_owned(),
        );
    }
    None
}

/// Photos, videos and voice messages, by their magic numbers.
fn media(head: &[u8]) -> Option<&'static str> {
    let at = |offset: usize, magic: &[u8]| {
        head.get(offset..offset + magic.len())
            .is_some_and(|s| s == magic)
    };
    if at(0, b"\x89PNG") || at(0, b"\xFF\xD8\xFF") || at(0, b"GIF8") {
        return Some("a picture");
    }
    if at(0, b"RIFF") && at(8, b"WEBP") {
        return Some("a picture (a WebP image or sticker)");
    }
    if at(4, b"ftyp") {
        return Some(if at(8, b"heic") || at(8, b"heix") || at(8, b"mif1") {
            "a picture (HEIC)"
        } else if at(8, b"M4A ") {
            "a voice message or sound (M4A)"
        } else {
            "a video"
        });
    }
    if at(0, b"OggS") || at(0, b"ID3") || at(0, b"#!AMR") || at(0, b"fLaC") {
        return Some("a voice message or sound");
    }
    if at(0, b"RIFF") && at(8, b"WAVE") {
        return Some("a sound recording");
    }
    None
}

#[cfg(test)]
mod tests {
    use super::recognise;

    #[test]
    fn what_people_drop_by_mistake_is_named() {
        let cases: &[(&str, &[u8], &str)] = &[
            ("IMG-20240101-WA0001.jpg", b"\xFF\xD8\xFF\xE0\0\x10JFIF", "a picture"),
            ("PTT-20240101-WA0002.opus", b"OggS\0\x02\0\0", "voice message"),
            ("VID.mp4", b"\0\0\0\x18ftypmp42\0\0\0\0", "a video"),
            ("msgstore.db.crypt14", b"\x00\x01\x02", "encrypted WhatsApp backup"),
            ("signal-2024.backup", b"\x00\x9a\xff\x10", "encrypted Signal backup"),
            ("chat.pdf", b"%PDF-1.7\n", "PDF"),
            (
                "messages.html",
                b"<!DOCTYPE html>\n<html><head><title>Exported Data</title></head><body><div class=\"page_wrap\">",
                "Telegram export in HTML",
            ),
            (
                "message_1.html",
                b"<html><head><title>Sam</title></head><body>Generated by Meta Platforms",
                "Download your information",
            ),
            ("x.html", b"<html><body>hello</body></html>", "web page"),
            ("contacts.vcf", b"BEGIN:VCARD\r\nVERSION:3.0\r\n", "vCard"),
        ];
        for (name, bytes, expected) in cases {
            let said = recognise(name, bytes).unwrap_or_default();
            assert!(said.contains(expected), "{name}: {said}");
        }
    }

    #[test]
    fn chats_are_never_taken_for_something_else() {
        for (name, bytes) in [
            (
                "WhatsApp Chat with Sam.txt",
                &b"1/13/24, 10:00 - Sam: hi\n"[..],
            ),
            (
                "result.json",
                b"{\"name\": \"Sam\", \"type\": \"personal_chat\"",
            ),
            ("chat.csv", b"timestamp,sender,text\n"),
            ("a.backup", b"plain text notes"),
            (
                "WhatsApp Chat with Dev.txt",
                b"1/13/24, 10:00 - Dev: try <html><body>telegram</body></html>\n",
            ),
        ] {
            assert_eq!(recognise(name, bytes), None, "{name}");
        }
    }
}
