//! Google Takeout's Hangouts (`Takeout/Hangouts/Hangouts.json`, docs/formats/googlechat.md):
//! `conversations[]`, each with its `conversation` (participants with `gaia_id` and
//! `fallback_name`, the user in `self_conversation_state`) and its `events`, `timestamp` in
//! microseconds as a string. A message is `REGULAR_CHAT_MESSAGE` with text `segment`s (a line
//! break is a `LINE_BREAK` segment); a photo adds an `attachment`. A call is a
//! `START_HANGOUT` by the caller and an `END_HANGOUT` when it stops; an unanswered one has no
//! `hangout_duration_secs`. Hangouts had no voice notes (a recording went as an attachment)
//! and keeps nothing of a deleted message.

use std::io;
use std::path::Path;

use walkaway_model::{Kind, ParsedChat};

use super::{Written, json_str, partner, user, write_file};

const USER_GAIA: &str = "104000000000000000001";
const PARTNER_GAIA: &str = "105000000000000000002";
const CONVERSATION: &str = "UgzSimulatedConversation4AaABAQ";

pub fn write(chat: &ParsedChat, dir: &Path) -> io::Result<Written> {
    let path = dir.join("Takeout/Hangouts/Hangouts.json");
    write_file(&path, render(chat))?;
    Ok(Written {
        paths: vec![path],
        user: user(chat).to_owned(),
        partner: partner(chat).to_owned(),
        names_user: true,
    })
}

fn id(gaia: &str) -> String {
    format!("{{\"gaia_id\": \"{gaia}\", \"chat_id\": \"{gaia}\"}}")
}

pub fn render(chat: &ParsedChat) -> String {
    let mut events = Vec::new();
    for (i, (e, text)) in chat.events.iter_texts().enumerate() {
        let Some(sender) = e.sender else { continue };
        let gaia = if sender == 0 { USER_GAIA } else { PARTNER_GAIA };
        let us = e.ts * 1000;
        let head = |us: i64, n: usize| {
            format!(
                "{{\"conversation_id\": {{\"id\": \"{CONVERSATION}\"}}, \"sender_id\": {}, \"timestamp\": \"{us}\", \"self_event_state\": {{\"user_id\": {}}}, \"event_id\": \"7-H0Z7-{i}-{n}\", \"advances_sort_timestamp\": true, ",
                id(gaia),
                id(USER_GAIA)
            )
        };
        match e.kind {
            Kind::Text | Kind::Media | Kind::Voice => {
                let mut segments = Vec::new();
                for (n, line) in text.split('\n').enumerate() {
                    if e.kind != Kind::Text {
                        break;
                    }
                    if n > 0 {
                        segments.push("{\"type\": \"LINE_BREAK\", \"text\": \"\\n\"}".to_owned());
                    }
                    if !line.is_empty() {
                        segments.push(format!(
                            "{{\"type\": \"TEXT\", \"text\": {}}}",
                            json_str(line)
                        ));
                    }
                }
                let mut content = format!("\"segment\": [{}]", segments.join(", "));
                if e.kind != Kind::Text {
                    content = format!(
                        "\"attachment\": [{{\"embed_item\": {{\"type\": [\"PLUS_PHOTO\"], \"plus_photo\": {{\"url\": \"https://lh3.googleusercontent.com/simulated/{i}\", \"media_type\": \"PHOTO\"}}}}, \"id\": \"att-{i}\"}}]"
                    );
                }
                events.push(format!(
                    "{}\"event_type\": \"REGULAR_CHAT_MESSAGE\", \"chat_message\": {{\"message_content\": {{{content}}}}}}}",
                    head(us, 0)
                ));
            }
            Kind::MissedCall => {
                events.push(format!(
                    "{}\"event_type\": \"HANGOUT_EVENT\", \"hangout_event\": {{\"event_type\": \"START_HANGOUT\", \"media_type\": \"AUDIO_ONLY\", \"participant_id\": [{}]}}}}",
                    head(us, 0),
                    id(gaia)
                ));
                events.push(format!(
                    "{}\"event_type\": \"HANGOUT_EVENT\", \"hangout_event\": {{\"event_type\": \"END_HANGOUT\", \"media_type\": \"AUDIO_ONLY\", \"participant_id\": [{}]}}}}",
                    head(us + 30_000_000, 1),
                    id(gaia)
                ));
            }
            _ => {}
        }
    }
    let participant = |gaia: &str, name: &str| {
        format!(
            "{{\"id\": {}, \"fallback_name\": {}, \"invitation_status\": \"ACCEPTED_INVITATION\", \"participant_type\": \"GAIA\", \"new_invitation_status\": \"ACCEPTED_INVITATION\"}}",
            id(gaia),
            json_str(name)
        )
    };
    format!(
        "{{\n  \"conversations\": [\n    {{\n      \"conversation\": {{\n        \"conversation_id\": {{\"id\": \"{CONVERSATION}\"}},\n        \"conversation\": {{\n          \"id\": {{\"id\": \"{CONVERSATION}\"}},\n          \"type\": \"STICKY_ONE_TO_ONE\",\n          \"self_conversation_state\": {{\"self_read_state\": {{\"participant_id\": {}, \"latest_read_timestamp\": \"0\"}}, \"status\": \"ACTIVE\", \"notification_level\": \"RING\", \"view\": [\"INBOX_VIEW\"]}},\n          \"read_state\": [],\n          \"has_active_hangout\": false,\n          \"otr_status\": \"ON_THE_RECORD\",\n          \"otr_toggle\": \"ENABLED\",\n          \"current_participant\": [{}, {}],\n          \"participant_data\": [{}, {}],\n          \"fork_on_external_invite\": false,\n          \"network_type\": [\"BABEL\"],\n          \"force_history_state\": \"NO_FORCE\",\n          \"group_link_sharing_status\": \"LINK_SHARING_OFF\"\n        }}\n      }},\n      \"events\": [\n        {}\n      ]\n    }}\n  ]\n}}\n",
        id(USER_GAIA),
        id(USER_GAIA),
        id(PARTNER_GAIA),
        participant(PARTNER_GAIA, partner(chat)),
        participant(USER_GAIA, user(chat)),
        events.join(",\n        ")
    )
}
