//! What a WhatsApp line is: a message, a media or voice notice, a deletion, a call or a
//! system notice.
//!
//! WhatsApp writes notices in the phone's language and iOS writes many system notices under a
//! participant's (or the group's) name, so the sender column alone cannot tell a message from
//! a notice. The tables below hold the phrases seen in real exports (docs/formats/whatsapp.md
//! lists them by language); matching is exact on the trimmed first line so that a user who
//! *writes* "image omitted" inside a longer sentence still has a text message.

use memchr::memmem;
use walkaway_model::Kind;

use super::header::{invisible_len, skip_invisible};

/// Removes invisible marks and spaces at both ends.
pub(crate) fn trim_marks(s: &str) -> &str {
    let b = s.as_bytes();
    let start = skip_invisible(b, 0);
    let mut end = b.len();
    loop {
        let before = end;
        while end > start && matches!(b[end - 1], b' ' | b'\t' | b'\r') {
            end -= 1;
        }
        if end >= start + 3 && invisible_len(b, end - 3) == 3 {
            end -= 3;
        }
        if end >= start + 2 && b[end - 2] == 0xC2 && b[end - 1] == 0xA0 {
            end -= 2;
        }
        if end == before {
            break;
        }
    }
    s.get(start..end).unwrap_or("")
}

/// Messages that were deleted: (phrase without final period, written by the exporter).
pub(crate) fn deleted(s: &str) -> Option<bool> {
    let s = s.strip_suffix('.').unwrap_or(s);
    Some(match s {
        "You deleted this message"
        | "Du hast diese Nachricht gelöscht"
        | "Eliminaste este mensaje"
        | "Vous avez supprimé ce message"
        | "Apagou esta mensagem"
        | "Você apagou esta mensagem"
        | "Hai eliminato questo messaggio"
        | "U hebt dit bericht verwijderd"
        | "Je hebt dit bericht verwijderd"
        | "Вы удалили данное сообщение"
        | "Вы удалили это сообщение"
        | "Tuto zprávu jste smazal/a"
        | "このメッセージを削除しました。"
        | "このメッセージを削除しました"
        | "आपने यह मैसेज डिलीट किया"
        | "Anda menghapus pesan ini"
        | "أنت حذفت هذه الرسالة" => true,
        "This message was deleted"
        | "Diese Nachricht wurde gelöscht"
        | "Se eliminó este mensaje"
        | "Este mensaje fue eliminado"
        | "Ce message a été supprimé"
        | "Esta mensagem foi apagada"
        | "Mensagem apagada"
        | "Questo messaggio è stato eliminato"
        | "Dit bericht is verwijderd"
        | "Данное сообщение удалено"
        | "Это сообщение удалено"
        | "Tato zpráva byla smazána"
        | "このメッセージは削除されました。"
        | "このメッセージは削除されました"
        | "यह मैसेज डिलीट कर दिया गया है"
        | "Pesan ini dihapus"
        | "تم حذف هذه الرسالة" => false,
        _ => return None,
    })
}

/// Media and voice notices written instead of the file (exports "without media").
fn omitted(s: &str) -> Option<Kind> {
    Some(match s {
        "audio omitted"
        | "Audio weggelassen"
        | "audio omitido"
        | "audio omis"
        | "ficheiro de áudio não revelado"
        | "áudio ocultado"
        | "audio omesso"
        | "audio weggelaten"
        | "zvukový soubor vynechán"
        | "音声は含まれていません"
        | "ऑडियो हटाई गयी"
        | "audio tidak disertakan"
        | "аудиофайл отсутствует"
        | "لم يتم إدراج المقاطع الصوتية" => Kind::Voice,
        "<Media omitted>"
        | "<media omitted>"
        | "<Medien ausgeschlossen>"
        | "<Multimedia omitido>"
        | "<Multimedia omitidos>"
        | "<Médias omis>"
        | "<Arquivo de mídia oculto>"
        | "<Mídia oculta>"
        | "<Media omessi>"
        | "<Media weggelaten>"
        | "<Без медиафайлов>"
        | "<Média vynechána>"
        | "<Media tidak disertakan>"
        | "image omitted"
        | "video omitted"
        | "sticker omitted"
        | "document omitted"
        | "GIF omitted"
        | "Contact card omitted"
        | "Bild weggelassen"
        | "Video weggelassen"
        | "Sticker weggelassen"
        | "Dokument weggelassen"
        | "GIF weggelassen"
        | "Kontaktkarte ausgelassen"
        | "imagen omitida"
        | "Video omitido"
        | "video omitido"
        | "sticker omitido"
        | "documento omitido"
        | "GIF omitido"
        | "Tarjeta de contacto omitida"
        | "image absente"
        | "vidéo absente"
        | "sticker omis"
        | "document manquant"
        | "GIF retiré"
        | "Fiche contact manquante"
        | "imagem não revelada"
        | "vídeo não revelado"
        | "sticker não revelado"
        | "documento não revelado"
        | "GIF não revelada"
        | "Contacto não revelado"
        | "imagem ocultada"
        | "vídeo ocultado"
        | "figurinha omitida"
        | "immagine omessa"
        | "video omesso"
        | "sticker non incluso"
        | "documento omesso"
        | "GIF esclusa"
        | "Scheda contatto omessa"
        | "afbeelding weggelaten"
        | "video weggelaten"
        | "sticker weggelaten"
        | "document weggelaten"
        | "GIF weggelaten"
        | "obrázek vynechán"
        | "video vynecháno"
        | "Vizitka vynechána"
        | "nálepka vynechána"
        | "dokument vynechán"
        | "GIF vynechán"
        | "画像は含まれていません"
        | "ビデオは含まれていません"
        | "連絡先カードを省略"
        | "スタンプは含まれていません"
        | "ドキュメントは含まれていません"
        | "GIFは含まれていません"
        | "फ़ोटो हटाई गई"
        | "वीडियो छोड़ा गया"
        | "कॉन्टैक्ट कार्ड छोड़ा गया"
        | "स्टिकर छोड़ा गया"
        | "डॉक्यूमेंट छोड़ा गया"
        | "GIF छोड़ा गया"
        | "gambar tidak disertakan"
        | "video tidak disertakan"
        | "Kartu kontak tidak disertakan"
        | "stiker tidak disertakan"
        | "dokumen tidak disertakan"
        | "GIF tidak disertakan"
        | "изображение отсутствует"
        | "видео отсутствует"
        | "Карточка контакта отсутствует"
        | "стикер не добавлен"
        | "документ отсутствует"
        | "GIF отсутствует"
        | "لم يتم إدراج الصورة"
        | "لم يتم إدراج الفيديوهات"
        | "لم يتم إدراج بطاقة جهة اتصال"
        | "تم حذف الملصقات"
        | "لم يتم إدراج المستند"
        | "لم يتم إدراج صورة GIF" => Kind::Media,
        _ => return None,
    })
}

/// Kind of an attached file, from its name: voice notes are `PTT-*.opus` (Android) or
/// `*-AUDIO-*.opus` (iOS).
fn file_kind(name: &str) -> Kind {
    let n = trim_marks(name);
    let base = n.rsplit('/').next().unwrap_or(n);
    if base.starts_with("PTT-") || base.ends_with(".opus") || base.contains("-AUDIO-") {
        Kind::Voice
    } else {
        Kind::Media
    }
}

/// Android "NAME (file attached)" suffixes.
const ATTACHED_SUFFIX: [&str; 9] = [
    " (file attached)",
    " (Datei angehängt)",
    " (archivo adjunto)",
    " (fichier joint)",
    " (arquivo anexado)",
    " (file allegato)",
    " (bestand bijgevoegd)",
    " (файл добавлен)",
    " (soubor připojen)",
];

/// iOS "<attached: NAME>" prefixes.
const ATTACHED_PREFIX: [&str; 9] = [
    "<attached: ",
    "<Anhang: ",
    "<adjunto: ",
    "<pièce jointe : ",
    "<anexo: ",
    "<allegato: ",
    "<bijlage: ",
    "<прикреплено: ",
    "<příloha: ",
];

/// Media or voice notice on the (trimmed) first line of a message.
pub(crate) fn media(first: &str) -> Option<Kind> {
    let last = *first.as_bytes().last()?;
    if last == b')' {
        for suf in ATTACHED_SUFFIX {
            if let Some(name) = first.strip_suffix(suf) {
                return Some(file_kind(name));
            }
        }
        return None;
    }
    if last == b'>' && first.starts_with('<') {
        for pre in ATTACHED_PREFIX {
            if let Some(name) = first.strip_prefix(pre) {
                return Some(file_kind(name.strip_suffix('>').unwrap_or(name)));
            }
        }
    }
    if let Some(k) = omitted(first) {
        return Some(k);
    }
    // iOS documents: "Report.pdf • ‎2 pages ‎document omitted": the notice follows the last mark.
    if let Some(pos) = memmem::rfind(first.as_bytes(), "\u{200E}".as_bytes())
        .or_else(|| memmem::rfind(first.as_bytes(), "\u{200F}".as_bytes()))
    {
        return first.get(pos + 3..).and_then(|t| omitted(trim_marks(t)));
    }
    None
}

/// Missed and answered calls: `Missed voice call`, iOS `Missed video call, ‎Tap to call back`,
/// `Voice call, ‎12 min`.
pub(crate) fn call(first: &str) -> Option<Kind> {
    if first.len() > 80 {
        return None;
    }
    let head = first.split(',').next().unwrap_or(first);
    let head = trim_marks(head).trim_end_matches('.');
    Some(match head {
        "Missed voice call"
        | "Missed video call"
        | "Missed group voice call"
        | "Missed group video call"
        | "Verpasster Sprachanruf"
        | "Verpasster Videoanruf"
        | "Llamada perdida"
        | "Llamada de voz perdida"
        | "Videollamada perdida"
        | "Appel vocal manqué"
        | "Appel vidéo manqué"
        | "Chamada de voz perdida"
        | "Chamada de vídeo perdida"
        | "Chiamata vocale persa"
        | "Videochiamata persa"
        | "Gemiste spraakoproep"
        | "Gemiste video-oproep"
        | "Пропущенный аудиозвонок"
        | "Пропущенный видеозвонок" => Kind::MissedCall,
        "Voice call" | "Video call" | "Group voice call" | "Group video call" | "Sprachanruf"
        | "Videoanruf" | "Llamada de voz" | "Videollamada" | "Appel vocal" | "Appel vidéo"
        | "Chamada de voz" | "Chamada de vídeo" | "Chiamata vocale" | "Videochiamata"
        | "Spraakoproep" | "Video-oproep" | "Аудиозвонок" | "Видеозвонок" => Kind::Call,
        _ => return None,
    })
}

/// Stems of "encrypted" in the localized end-to-end notices.
const CRYPTO_STEMS: [&str; 22] = [
    "encrypt",
    "verschlüsselt",
    "cifrad",
    "chiffr",
    "encriptad",
    "criptograf",
    "crittograf",
    "versleuteld",
    "šifrov",
    "шифр",
    "مشفرة",
    "暗号",
    "एन्क्रिप्ट",
    "terenkripsi",
    "szyfr",
    "şifrel",
    "加密",
    "암호",
    "enkrip",
    "mã hóa",
    "เข้ารหัส",
    "מוצפנ",
];

/// Localized "security code changed" notices.
const SECURITY_STEMS: [&str; 9] = [
    "security code",
    "Sicherheitsnummer",
    "código de seguridad",
    "code de sécurité",
    "código de segurança",
    "codice di sicurezza",
    "beveiligingscode",
    "код безопасности",
    "Sicherheitscode",
];

/// Group and account events that iOS writes under a name, after a U+200E mark.
const GROUP_EVENTS: [&str; 26] = [
    " created group",
    "created this group",
    " added ",
    " removed ",
    " left",
    " joined using this group",
    " changed the subject",
    " changed this group",
    " changed the group",
    " deleted this group",
    "now an admin",
    " changed their phone number",
    " changed to ",
    "Messages to this group",
    "Messages you send to this group",
    "disappearing messages",
    " hat die Gruppe",
    " hinzugefügt",
    " entfernt",
    " hat die Gruppe verlassen",
    " geändert",
    " creó el grupo",
    " añadió",
    " a créé le groupe",
    " a ajouté",
    " criou o grupo",
];

fn contains(h: &str, n: &str) -> bool {
    memmem::find(h.as_bytes(), n.as_bytes()).is_some()
}

/// A notice that iOS (and Android, for the group name) writes under a participant's or the
/// group's name. `marked` says the text began with an invisible mark, as iOS system notices do.
pub(crate) fn named_system(first: &str, marked: bool) -> bool {
    if !marked && first.len() < 60 {
        return false;
    }
    if (contains(first, "WhatsApp") || contains(first, "واتساب"))
        && (marked || CRYPTO_STEMS.iter().any(|s| contains(first, s)))
    {
        return true;
    }
    if !marked {
        return false;
    }
    SECURITY_STEMS.iter().any(|s| contains(first, s))
        || GROUP_EVENTS.iter().any(|s| contains(first, s))
}

/// The `<This message was edited>` marker (and translations) at the end of a text.
const EDITED: [&str; 8] = [
    "<This message was edited>",
    "<Diese Nachricht wurde bearbeitet>",
    "<Se editó este mensaje.>",
    "<Ce message a été modifié>",
    "<Esta mensagem foi editada>",
    "<Questo messaggio è stato modificato>",
    "<Dit bericht is bewerkt>",
    "<Сообщение изменено>",
];

/// Strips an edit marker; returns the text before it when present.
pub(crate) fn strip_edited(text: &str) -> Option<&str> {
    if !text.ends_with('>') {
        return None;
    }
    EDITED
        .iter()
        .find_map(|m| text.strip_suffix(m))
        .map(trim_marks_end)
}

fn trim_marks_end(s: &str) -> &str {
    let b = s.as_bytes();
    let mut end = b.len();
    loop {
        let before = end;
        while end > 0 && b[end - 1] == b' ' {
            end -= 1;
        }
        if end >= 3 && invisible_len(b, end - 3) == 3 {
            end -= 3;
        }
        if end == before {
            break;
        }
    }
    s.get(..end).unwrap_or(s)
}
