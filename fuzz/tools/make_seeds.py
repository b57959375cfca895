#!/usr/bin/env python3
"""Builds fuzz/seeds/<target>/ from the project's own test inputs (never /work/shared/corpus):
the fixture files, the string literals of crates/import/tests/*.rs classified by content, the
demo data, and a small chat.db made with the schema the iMessage tests use. Re-runnable:
`python3 fuzz/tools/make_seeds.py` from the repository root."""
import hashlib, io, os, re, sqlite3, sys, tempfile, zipfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SEEDS = os.path.join(ROOT, "fuzz", "seeds")
MAX = 16 << 10  # keep each seed small: libFuzzer mutates small inputs faster
seeds = {}


def add(target, data):
    if isinstance(data, str):
        data = data.encode()
    if not data:
        return
    data = data[:MAX]
    seeds.setdefault(target, {})[hashlib.sha1(data).hexdigest()[:16]] = data


def unescape(s):
    out, i = [], 0
    while i < len(s):
        c = s[i]
        if c == "\\" and i + 1 < len(s):
            n = s[i + 1]
            if n == "\n":
                i += 2
                while i < len(s) and s[i] in " \t\n":
                    i += 1
                continue
            m = {"n": "\n", "t": "\t", "r": "\r", "0": "\0", "\\": "\\", '"': '"', "'": "'"}
            if n in m:
                out.append(m[n]); i += 2; continue
            if n == "u":
                j = s.find("}", i)
                if j < 0:
                    break
                try:
                    out.append(chr(int(s[i + 3:j], 16)))
                except ValueError:
                    pass
                i = j + 1
                continue
            if n == "x":
                try:
                    out.append(chr(int(s[i + 2:i + 4], 16)))
                except ValueError:
                    pass
                i += 4
                continue
        out.append(c); i += 1
    return "".join(out)


def literals(src):
    for m in re.finditer(r'r(#+)"(.*?)"\1', src, re.S):
        yield m.group(2)
    for m in re.finditer(r'(?<![r#\w])b?"((?:[^"\\]|\\.)*)"', src, re.S):
        yield unescape(m.group(1))


def classify(s):
    t = []
    if '"guild"' in s or '"channel"' in s: t.append("discord")
    if '"conversations"' in s or '"conversation_state"' in s or '"messages"' in s and '"creator"' in s: t.append("googlechat")
    if '"date_unixtime"' in s or '"from_id"' in s or '"chats"' in s: t.append("telegram")
    if '"sender_name"' in s or '"participants"' in s or '"timestamp_ms"' in s: t.append("meta")
    if "string_map_data" in s or "likes_media_likes" in s or "comments_media_comments" in s: t.append("instagram")
    if "<sms" in s or "<call" in s or "<mms" in s: t.append("sms")
    if "[LINE]" in s or re.search(r"^\d{1,2}:\d{2}\t", s, re.M): t.append("line")
    if re.search(r"^\[\d{4}-\d{2}-\d{2}[ T]\d", s, re.M): t.append("signal")
    if s.startswith("timestamp") or re.match(r"^[a-z_]+[,;\t][a-z_]+[,;\t]", s): t.append("csv")
    if re.search(r"^\[?\d{1,4}[./-]\d{1,2}[./-]\d{1,4},? ", s, re.M): t.append("whatsapp")
    return t


def csv_body(s):
    # the csv target prepends its own header: seed it with the rows
    return s.split("\n", 1)[1] if s.startswith("timestamp") and "\n" in s else s


tests = os.path.join(ROOT, "crates", "import", "tests")
for f in sorted(os.listdir(tests)):
    if not f.endswith(".rs"):
        continue
    src = open(os.path.join(tests, f), encoding="utf-8").read()
    for lit in literals(src):
        if len(lit) < 12:
            continue
        for t in classify(lit):
            add(t, csv_body(lit) if t == "csv" else lit)
        # short strings that could be handles
        if len(lit) < 64 and re.search(r"[+@]|\d{3}", lit) and "\n" not in lit:
            add("handles", lit)

for lit in ["+1 (555) 000-1111", "0049 170 1234567", "(555) 000-1111", "\u202a+44 7700 900123\u202c",
            "tel:+15550001111", "mailto:Ann@Example.COM", "AMAZON", "+15550001111", "00 1 555",
            "\ufeff+33 6 12 34 56 78", "+1\u00a0555\u2011000\u20111111", "ann@example.org"]:
    add("handles", lit)

fx = os.path.join(tests, "fixtures")
for d, _, files in os.walk(fx):
    for f in files:
        data = open(os.path.join(d, f), "rb").read()
        add("instagram" if "instagram" in d else "whatsapp", data)

demo = os.path.join(ROOT, "examples", "demo")
wa = open(os.path.join(demo, "WhatsApp Chat with Sam.txt"), "rb").read()
add("whatsapp", wa[:MAX])
ig = []
for d, _, files in os.walk(os.path.join(demo, "instagram")):
    for f in files:
        p = os.path.join(d, f)
        ig.append((os.path.relpath(p, demo), open(p, "rb").read()))
        add("instagram", ig[-1][1])

# chat.db: the old schema of the iMessage tests; the imessage target prepends the SQLite magic.
with tempfile.TemporaryDirectory() as tmp:
    p = os.path.join(tmp, "chat.db")
    c = sqlite3.connect(p)
    c.executescript("""
        PRAGMA page_size=512;
        CREATE TABLE handle (ROWID INTEGER PRIMARY KEY, id TEXT);
        CREATE TABLE chat (ROWID INTEGER PRIMARY KEY, chat_identifier TEXT);
        CREATE TABLE chat_handle_join (chat_id INTEGER, handle_id INTEGER);
        CREATE TABLE chat_message_join (chat_id INTEGER, message_id INTEGER);
        CREATE TABLE message (ROWID INTEGER PRIMARY KEY, text TEXT, handle_id INTEGER, date INTEGER, is_from_me INTEGER);
        INSERT INTO handle VALUES (1, 'ann@example.org');
        INSERT INTO chat VALUES (1, 'ann@example.org');
        INSERT INTO chat_handle_join VALUES (1, 1);
        INSERT INTO message VALUES (1, 'first', 1, 694224000, 0), (2, 'second', 1, 694224060, 1);
        INSERT INTO chat_message_join VALUES (1, 1), (1, 2);""")
    c.close()
    db = open(p, "rb").read()
add("imessage", db[16:])
# typedstream / bplist pieces: an NSString in a typedstream and a tiny bplist
add("imessage", b"\x04\x0bstreamtyped\x81\xe8\x03\x84\x01@\x84\x84\x84\x12NSAttributedString\x00\x84\x84\x08NSObject\x00\x85\x92\x84\x84\x84\x08NSString\x01\x94\x84\x01+\x05hello\x86")
add("imessage", b"bplist00\xd1\x01\x02Qx\x10\x01\x08\x0b\x0d\x00\x00\x00\x00\x00\x00\x01\x01\x00\x00\x00\x00\x00\x00\x00\x03\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x0f")


def zipped(entries, compress=zipfile.ZIP_DEFLATED):
    b = io.BytesIO()
    with zipfile.ZipFile(b, "w", compress) as z:
        for n, d in entries:
            z.writestr(zipfile.ZipInfo(n, (2024, 3, 1, 10, 0, 0)), d, compress_type=compress)
    return b.getvalue()


# zip: real archives of every layout (raw-bytes path), and the target's own encoding
# (a selector byte, then contents split on \0\0) for the built-archive path.
add("zip", zipped([("WhatsApp Chat with Sam.txt", wa[:4096])]))
add("zip", zipped(ig))
add("zip", zipped([("__MACOSX/._x.txt", b"\0\0"), ("_chat.txt", wa[:2048])], zipfile.ZIP_STORED))
for t, first in [("telegram", 2), ("meta", 5), ("sms", 9), ("signal", 11), ("discord", 12),
                 ("googlechat", 13), ("instagram", 7), ("whatsapp", 0)]:
    for s in list(seeds.get(t, {}).values())[:3]:
        add("zip", bytes([first]) + s[:4096])
        name = {"telegram": "result.json", "meta": "messages/inbox/sam_1/message_1.json",
                "sms": "sms-1.xml", "signal": "Sam/chat.md", "discord": "Sam [1].json",
                "googlechat": "Takeout/Hangouts/Hangouts.json",
                "instagram": "your_instagram_activity/likes/liked_posts.json",
                "whatsapp": "_chat.txt"}[t]
        add("zip", zipped([(name, s[:4096])]))

for t, files in seeds.items():
    d = os.path.join(SEEDS, t)
    os.makedirs(d, exist_ok=True)
    for h, data in files.items():
        open(os.path.join(d, h), "wb").write(data)
    print(t, len(files), sum(map(len, files.values())))
