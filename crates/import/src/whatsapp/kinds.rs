//! What a WhatsApp line is: a message, a media or voice notice, a deletion, a call or a
//! system notice.
//!
//! WhatsApp writes notices in the phone's language and iOS writes many system notices under a
//! participant's (or the group's) name, so the sender column alone cannot tell a message from
//! a notice. The tables below hold the phrases seen in real exports (docs/formats/whatsapp.md
//! lists them by language); matching is exact on the trimmed first line so that a user who
//! *writes* "image omitted" inside a longer sentence still has a text message.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::OnceLock;

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

/// What a whole first line (or, for calls, the part before the first comma) announces.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Notice {
    /// "You deleted this message": deleted by the exporter.
    DeletedMine,
    DeletedOther,
    Media,
    Voice,
    MissedCall,
    Call,
}

/// Deletions by the exporter ("You deleted this message"), final period removed.
const DELETED_MINE: &[&str] = &[
    "You deleted this message",
    "Du hast diese Nachricht gelöscht",
    "Eliminaste este mensaje",
    "Vous avez supprimé ce message",
    "Apagou esta mensagem",
    "Você apagou esta mensagem",
    "Hai eliminato questo messaggio",
    "U hebt dit bericht verwijderd",
    "Je hebt dit bericht verwijderd",
    "Вы удалили данное сообщение",
    "Вы удалили это сообщение",
    "Tuto zprávu jste smazal/a",
    "このメッセージを削除しました。",
    "このメッセージを削除しました",
    "आपने यह मैसेज डिलीट किया",
    "Anda menghapus pesan ini",
    "أنت حذفت هذه الرسالة",
];

/// Deletions by someone else.
const DELETED_OTHER: &[&str] = &[
    "This message was deleted",
    "Diese Nachricht wurde gelöscht",
    "Se eliminó este mensaje",
    "Este mensaje fue eliminado",
    "Ce message a été supprimé",
    "Esta mensagem foi apagada",
    "Mensagem apagada",
    "Questo messaggio è stato eliminato",
    "Dit bericht is verwijderd",
    "Данное сообщение удалено",
    "Это сообщение удалено",
    "Tato zpráva byla smazána",
    "このメッセージは削除されました。",
    "このメッセージは削除されました",
    "यह मैसेज डिलीट कर दिया गया है",
    "Pesan ini dihapus",
    "تم حذف هذه الرسالة",
];

/// Voice notes left out of an export "without media".
const VOICE_OMITTED: &[&str] = &[
    "without media",
    "audio omitted",
    "Audio weggelassen",
    "audio omitido",
    "audio omis",
    "ficheiro de áudio não revelado",
    "áudio ocultado",
    "audio omesso",
    "audio weggelaten",
    "zvukový soubor vynechán",
    "音声は含まれていません",
    "ऑडियो हटाई गयी",
    "audio tidak disertakan",
    "аудиофайл отсутствует",
    "لم يتم إدراج المقاطع الصوتية",
];

/// Other media left out of an export "without media".
const MEDIA_OMITTED: &[&str] = &[
    "<Media omitted>",
    "<media omitted>",
    "<Medien ausgeschlossen>",
    "<Multimedia omitido>",
    "<Multimedia omitidos>",
    "<Médias omis>",
    "<Arquivo de mídia oculto>",
    "<Mídia oculta>",
    "<Media omessi>",
    "<Media weggelaten>",
    "<Без медиафайлов>",
    "<Média vynechána>",
    "<Media tidak disertakan>",
    "image omitted",
    "video omitted",
    "sticker omitted",
    "document omitted",
    "GIF omitted",
    "Contact card omitted",
    "Bild weggelassen",
    "Video weggelassen",
    "Sticker weggelassen",
    "Dokument weggelassen",
    "GIF weggelassen",
    "Kontaktkarte ausgelassen",
    "imagen omitida",
    "Video omitido",
    "video omitido",
    "sticker omitido",
    "documento omitido",
    "GIF omitido",
    "Tarjeta de contacto omitida",
    "image absente",
    "vidéo absente",
    "sticker omis",
    "document manquant",
    "GIF retiré",
    "Fiche contact manquante",
    "imagem não revelada",
    "vídeo não revelado",
    "sticker não revelado",
    "documento não revelado",
    "GIF não revelada",
    "Contacto não revelado",
    "imagem ocultada",
    "vídeo ocultado",
    "figurinha omitida",
    "immagine omessa",
    "video omesso",
    "sticker non incluso",
    "documento omesso",
    "GIF esclusa",
    "Scheda contatto omessa",
    "afbeelding weggelaten",
    "video weggelaten",
    "sticker weggelaten",
    "document weggelaten",
    "GIF weggelaten",
    "obrázek vynechán",
    "video vynecháno",
    "Vizitka vynechána",
    "nálepka vynechána",
    "dokument vynechán",
    "GIF vynechán",
    "画像は含まれていません",
    "ビデオは含まれていません",
    "連絡先カードを省略",
    "スタンプは含まれていません",
    "ドキュメントは含まれていません",
    "GIFは含まれていません",
    "फ़ोटो हटाई गई",
    "वीडियो छोड़ा गया",
    "कॉन्टैक्ट कार्ड छोड़ा गया",
    "स्टिकर छोड़ा गया",
    "डॉक्यूमेंट छोड़ा गया",
    "GIF छोड़ा गया",
    "gambar tidak disertakan",
    "video tidak disertakan",
    "Kartu kontak tidak disertakan",
    "stiker tidak disertakan",
    "dokumen tidak disertakan",
    "GIF tidak disertakan",
    "изображение отсутствует",
    "видео отсутствует",
    "Карточка контакта отсутствует",
    "стикер не добавлен",
    "документ отсутствует",
    "GIF отсутствует",
    "لم يتم إدراج الصورة",
    "لم يتم إدراج الفيديوهات",
    "لم يتم إدراج بطاقة جهة اتصال",
    "تم حذف الملصقات",
    "لم يتم إدراج المستند",
    "لم يتم إدراج صورة GIF",
];

/// Missed calls (iOS appends ", Tap to call back").
const MISSED_CALLS: &[&str] = &[
    "Missed voice call",
    "Missed video call",
    "Missed group voice call",
    "Missed group video call",
    "Verpasster Sprachanruf",
    "Verpasster Videoanruf",
    "Llamada perdida",
    "Llamada de voz perdida",
    "Videollamada perdida",
    "Appel vocal manqué",
    "Appel vidéo manqué",
    "Chamada de voz perdida",
    "Chamada de vídeo perdida",
    "Chiamata vocale persa",
    "Videochiamata persa",
    "Gemiste spraakoproep",
    "Gemiste video-oproep",
    "Пропущенный аудиозвонок",
    "Пропущенный видеозвонок",
];

/// Answered calls (iOS appends ", 12 min").
const CALLS: &[&str] = &[
    "Voice call",
    "Video call",
    "Group voice call",
    "Group video call",
    "Sprachanruf",
    "Videoanruf",
    "Llamada de voz",
    "Videollamada",
    "Appel vocal",
    "Appel vidéo",
    "Chamada de voz",
    "Chamada de vídeo",
    "Chiamata vocale",
    "Videochiamata",
    "Spraakoproep",
    "Video-oproep",
    "Аудиозвонок",
    "Видеозвонок",
];

/// A small, fast, non-cryptographic hasher for the phrase table (keys are our own constants).
#[derive(Default)]
pub(crate) struct PhraseHasher(u64);

impl Hasher for PhraseHasher {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        let mut h = self.0;
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let mut w = [0u8; 8];
            w.copy_from_slice(c);
            h = (h.rotate_left(5) ^ u64::from_le_bytes(w)).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
        }
        for &b in chunks.remainder() {
            h = (h.rotate_left(5) ^ u64::from(b)).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
        }
        self.0 = h;
    }

    #[inline]
    fn finish(&self) -> u64 {
        self.0
    }
}

pub(crate) type Fast = BuildHasherDefault<PhraseHasher>;
type Table = HashMap<&'static str, Notice, BuildHasherDefault<PhraseHasher>>;

/// Longest phrase in the table, in bytes: longer lines are never looked up.
static TABLE: OnceLock<(Table, usize)> = OnceLock::new();

/// Bit `len` of row `first byte` is set when some phrase has that first byte and byte length
/// (below 128): a cheap filter that keeps ordinary messages away from the hash table.
static SHAPES: OnceLock<Vec<u128>> = OnceLock::new();

fn shapes() -> &'static [u128] {
    SHAPES.get_or_init(|| {
        let mut rows = vec![0u128; 256];
        for k in table().0.keys() {
            let b = k.as_bytes();
            if let (Some(&f), true) = (b.first(), b.len() < 128)
                && let Some(r) = rows.get_mut(usize::from(f))
            {
                *r |= 1u128 << b.len();
            }
        }
        rows
    })
}

#[inline]
fn may_be_phrase(s: &str) -> bool {
    let b = s.as_bytes();
    match b.first() {
        Some(&f) if b.len() < 128 => shapes()
            .get(usize::from(f))
            .is_some_and(|r| r >> b.len() & 1 == 1),
        _ => false,
    }
}

pub(crate) fn table() -> &'static (Table, usize) {
    TABLE.get_or_init(|| {
        let mut t = Table::default();
        let groups: [(&[&str], Notice); 6] = [
            (DELETED_MINE, Notice::DeletedMine),
            (DELETED_OTHER, Notice::DeletedOther),
            (VOICE_OMITTED, Notice::Voice),
            (MEDIA_OMITTED, Notice::Media),
            (MISSED_CALLS, Notice::MissedCall),
            (CALLS, Notice::Call),
        ];
        for (list, n) in groups {
            for p in list {
                t.insert(p, n);
            }
        }
        let max = t.keys().map(|k| k.len()).max().unwrap_or(0);
        (t, max)
    })
}

/// The notice a trimmed first line is, if any: deletions, omitted media, calls.
pub(crate) fn notice(first: &str) -> Option<Notice> {
    let (t, max) = table();
    if first.len() <= *max + 1 {
        let key = first.strip_suffix('.').unwrap_or(first);
        if may_be_phrase(key)
            && let Some(&n) = t.get(key)
        {
            return Some(n);
        }
    }
    // Calls with a detail: "Missed voice call, ‎Tap to call back", "Voice call, ‎12 min".
    if first.len() <= 96
        && let Some(i) = memchr::memchr(b',', first.as_bytes())
    {
        let head = trim_marks(first.get(..i).unwrap_or(""));
        if may_be_phrase(head)
            && let Some(&n @ (Notice::MissedCall | Notice::Call)) = t.get(head)
        {
            return Some(n);
        }
    }
    // iOS documents: "Report.pdf • ‎2 pages ‎document omitted": the notice follows the last mark.
    let b = first.as_bytes();
    for pos in memchr::memrchr_iter(0xE2, b) {
        if invisible_len(b, pos) == 3 {
            let tail = trim_marks(first.get(pos + 3..).unwrap_or(""));
            return match t.get(tail) {
                Some(&n @ (Notice::Media | Notice::Voice)) => Some(n),
                _ => None,
            };
        }
    }
    None
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

/// Attached-file notice on the (trimmed) first line of a message: Android
/// `NAME (file attached)`, iOS `<attached: NAME>`.
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
    None
}

/// Stems of "encrypted" in the localized end-to-end notices.
const CRYPTO_STEMS: [&str; 23] = [
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
    // Armenian (the group notice of the dona-V2 sample: "...ծայրից ծայր գաղտնագրմամբ:").
    "գաղտնագր",
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
    static WHATSAPP: OnceLock<memmem::Finder<'static>> = OnceLock::new();
    let finder = WHATSAPP.get_or_init(|| memmem::Finder::new("WhatsApp"));
    if (finder.find(first.as_bytes()).is_some() || contains(first, "واتساب"))
        && (marked || CRYPTO_STEMS.iter().any(|s| contains(first, s)))
    {
        return true;
    }
    if !marked {
        return false;
    }
    // Group encryption notices need not mention WhatsApp (English "Messages to this group are
    // now secured with end-to-end encryption", Armenian "Խմբի հաղորդագրությունները ...").
    CRYPTO_STEMS.iter().any(|s| contains(first, s))
        || SECURITY_STEMS.iter().any(|s| contains(first, s))
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
