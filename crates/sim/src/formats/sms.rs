//! Android "SMS Backup & Restore" (docs/formats/sms.md): two files, the messages
//! (`sms-YYYYMMDDhhmmss.xml`, root `<smses>`) and the call log (`calls-….xml`, root `<calls>`).
//!
//! Texts are `<sms>` rows (`type` 1 received, 2 sent; `date` in milliseconds), written table by
//! table as the app does: every SMS first, then every MMS. A photo or a voice note is an
//! `<mms>` (`msg_box` 1 received, 2 sent) with a SMIL layout part and an `image/jpeg` or
//! `audio/amr` part (its base64 `data` abridged). Characters outside the Basic Multilingual
//! Plane are written the way the app's Java XML serializer writes them, as two character
//! references to the UTF-16 surrogates (`😀` → `&#55357;&#56832;`); a line break as `&#10;`.
//! Calls: the partner's unanswered call is `type` 3 (missed), the user's is `type` 2
//! (outgoing) with `duration` 0. Deleted messages are not in a backup.

use std::io;
use std::path::Path;

use jiff::tz::TimeZone;
use walkaway_model::{Kind, Millis, ParsedChat};

use super::{PARTNER_PHONE, Written, partner, wall, write_file};

pub fn write(
    chat: &ParsedChat,
    exported_at: Millis,
    dir: &Path,
    tz: &TimeZone,
) -> io::Result<Written> {
    let stamp = wall(exported_at, tz, "%Y%m%d%H%M%S");
    let sms = dir.join(format!("sms-{stamp}.xml"));
    let calls = dir.join(format!("calls-{stamp}.xml"));
    write_file(&sms, messages(chat, exported_at, tz))?;
    write_file(&calls, call_log(chat, exported_at, tz))?;
    Ok(Written {
        paths: vec![sms, calls],
        user: "Me".to_owned(),
        partner: partner(chat).to_owned(),
        names_user: true,
    })
}

/// `Feb 1, 2026 12:10:00 AM`, the app's `readable_date` (in the phone's zone).
fn readable(ts: Millis, tz: &TimeZone) -> String {
    wall(ts, tz, "%b %-d, %Y %-I:%M:%S %p")
}

const HEADER: &str = "<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>\n<!--File Created By SMS Backup & Restore v10.20.002 on 31/10/2026 00:00:00-->\n";

/// The messages file.
pub fn messages(chat: &ParsedChat, exported_at: Millis, tz: &TimeZone) -> String {
    let name = attr(partner(chat));
    let mut sms = Vec::new();
    let mut mms = Vec::new();
    for (e, text) in chat.events.iter_texts() {
        let Some(sender) = e.sender else { continue };
        let sent = sender == 0;
        let ts = e.ts;
        match e.kind {
            Kind::Text => sms.push(format!(
                "  <sms protocol=\"0\" address=\"{PARTNER_PHONE}\" date=\"{ts}\" type=\"{}\" subject=\"null\" body=\"{}\" toa=\"null\" sc_toa=\"null\" service_center=\"null\" read=\"1\" status=\"-1\" locked=\"0\" date_sent=\"{}\" sub_id=\"1\" readable_date=\"{}\" contact_name=\"{name}\" />\n",
                if sent { 2 } else { 1 },
                attr(text),
                if sent { 0 } else { ts },
                readable(ts, tz)
            )),
            Kind::Media | Kind::Voice => {
                let (ct, file, data) = if e.kind == Kind::Voice {
                    ("audio/amr", "voice.amr", "IyFBTVIKPJEXFr5meeHgAeev8AAAAIAAAAAAAAAAAAAAAAAAAAAA")
                } else {
                    ("image/jpeg", "IMG_0001.jpg", "/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAAgGBgcGBQgHBwcJCQgKDBQNDAsL")
                };
                let (msg_box, m_type, from, to) = if sent {
                    (2, 128, "insert-address-token", PARTNER_PHONE)
                } else {
                    (1, 132, PARTNER_PHONE, "insert-address-token")
                };
                mms.push(format!(
                    "  <mms date=\"{ts}\" rr=\"null\" sub=\"null\" ct_t=\"application/vnd.wap.multipart.related\" read_status=\"null\" seen=\"1\" msg_box=\"{msg_box}\" address=\"{PARTNER_PHONE}\" sub_cs=\"null\" resp_st=\"null\" retr_st=\"null\" d_tm=\"null\" text_only=\"0\" exp=\"null\" locked=\"0\" m_id=\"null\" st=\"null\" retr_txt_cs=\"null\" retr_txt=\"null\" creator=\"com.google.android.apps.messaging\" date_sent=\"0\" read=\"1\" m_size=\"20480\" rpt_a=\"null\" ct_cls=\"null\" pri=\"null\" sub_id=\"1\" tr_id=\"null\" resp_txt=\"null\" ct_l=\"null\" m_cls=\"personal\" d_rpt=\"null\" v=\"18\" m_type=\"{m_type}\" readable_date=\"{}\" contact_name=\"{name}\">\n    <parts>\n      <part seq=\"-1\" ct=\"application/smil\" name=\"null\" chset=\"null\" cd=\"null\" fn=\"null\" cid=\"&lt;smil&gt;\" cl=\"smil.xml\" ctt_s=\"null\" ctt_t=\"null\" text=\"&lt;smil&gt;&lt;body&gt;&lt;par dur=&quot;5000ms&quot;&gt;&lt;/par&gt;&lt;/body&gt;&lt;/smil&gt;\" />\n      <part seq=\"0\" ct=\"{ct}\" name=\"{file}\" chset=\"null\" cd=\"null\" fn=\"null\" cid=\"&lt;{file}&gt;\" cl=\"{file}\" ctt_s=\"null\" ctt_t=\"null\" text=\"null\" data=\"{data}\" />\n    </parts>\n    <addrs>\n      <addr address=\"{from}\" type=\"137\" charset=\"106\" />\n      <addr address=\"{to}\" type=\"151\" charset=\"106\" />\n    </addrs>\n  </mms>\n",
                    readable(ts, tz)
                ));
            }
            _ => {}
        }
    }
    let mut out = String::from(HEADER);
    out.push_str("<?xml-stylesheet type=\"text/xsl\" href=\"sms.xsl\"?>\n");
    out.push_str(&format!(
        "<smses count=\"{}\" backup_set=\"5c1e3f6a-0d4e-4b7e-9a43-1f2a3b4c5d6e\" backup_date=\"{exported_at}\" type=\"full\">\n",
        sms.len() + mms.len()
    ));
    for row in sms.iter().chain(&mms) {
        out.push_str(row);
    }
    out.push_str("</smses>\n");
    out
}

/// The call log.
pub fn call_log(chat: &ParsedChat, exported_at: Millis, tz: &TimeZone) -> String {
    let name = attr(partner(chat));
    let rows: Vec<String> = chat
        .events
        .iter()
        .filter(|e| e.kind == Kind::MissedCall)
        .filter_map(|e| {
            let kind = if e.sender? == 0 { 2 } else { 3 };
            Some(format!(
                "  <call number=\"{PARTNER_PHONE}\" duration=\"0\" date=\"{}\" type=\"{kind}\" presentation=\"1\" subscription_id=\"1\" post_dial_digits=\"\" subscription_component_name=\"com.android.phone/com.android.services.telephony.TelephonyConnectionService\" readable_date=\"{}\" contact_name=\"{name}\" />\n",
                e.ts,
                readable(e.ts, tz)
            ))
        })
        .collect();
    let mut out = String::from(HEADER);
    out.push_str("<?xml-stylesheet type=\"text/xsl\" href=\"calls.xsl\"?>\n");
    out.push_str(&format!(
        "<calls count=\"{}\" backup_set=\"7d2f4a5b-1e5f-4c8f-8b54-2a3b4c5d6e7f\" backup_date=\"{exported_at}\" type=\"full\">\n",
        rows.len()
    ));
    for r in rows {
        out.push_str(&r);
    }
    out.push_str("</calls>\n");
    out
}

/// An attribute value as the app writes it: `& < > "` and `'` escaped, line breaks as `&#10;`,
/// characters beyond U+FFFF as two surrogate references.
pub fn attr(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            '\t' => out.push_str("&#9;"),
            c if (c as u32) > 0xFFFF => {
                let mut units = [0u16; 2];
                for u in c.encode_utf16(&mut units) {
                    out.push_str(&format!("&#{u};"));
                }
            }
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attributes_escape_like_the_app() {
        assert_eq!(attr("a&b <c> \"d\""), "a&amp;b &lt;c&gt; &quot;d&quot;");
        assert_eq!(attr("x\ny"), "x&#10;y");
        assert_eq!(attr("😀"), "&#55357;&#56832;");
        assert_eq!(attr("é"), "é");
    }

    #[test]
    fn readable_dates_are_twelve_hour() {
        assert_eq!(
            readable(crate::civil::midnight(2026, 2, 1) + 600_000, &TimeZone::UTC),
            "Feb 1, 2026 12:10:00 AM"
        );
    }
}
