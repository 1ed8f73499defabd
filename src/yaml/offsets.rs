//! Byte offsets: saphyr's character marks converted to byte offsets, and token boundaries
//! (node properties, closing quotes) found in the text.

/// Converts saphyr's character indices to byte offsets with a moving cursor (events arrive
/// almost in order, so the total walk is linear).
pub(super) struct ByteIndex<'a> {
    text: &'a str,
    ascii: bool,
    char_pos: usize,
    byte_pos: usize,
}

impl<'a> ByteIndex<'a> {
    pub(super) fn new(text: &'a str) -> Self {
        ByteIndex {
            text,
            ascii: text.is_ascii(),
            char_pos: 0,
            byte_pos: 0,
        }
    }
    pub(super) fn byte(&mut self, char_idx: usize) -> usize {
        if self.ascii {
            return char_idx.min(self.text.len());
        }
        if char_idx < self.char_pos / 2 {
            self.char_pos = 0;
            self.byte_pos = 0;
        }
        let bytes = self.text.as_bytes();
        while self.char_pos < char_idx && self.byte_pos < bytes.len() {
            self.byte_pos += utf8_len(bytes[self.byte_pos]);
            self.char_pos += 1;
        }
        self.byte_pos = self.byte_pos.min(bytes.len());
        while self.char_pos > char_idx && self.byte_pos > 0 {
            self.byte_pos -= 1;
            while self.byte_pos > 0 && !self.text.is_char_boundary(self.byte_pos) {
                self.byte_pos -= 1;
            }
            self.char_pos -= 1;
        }
        self.byte_pos
    }
}

/// Length of a UTF-8 sequence from its first byte.
fn utf8_len(b: u8) -> usize {
    match b {
        0xF0..=0xFF => 4,
        0xE0..=0xEF => 3,
        0xC0..=0xDF => 2,
        _ => 1,
    }
}

/// First byte after any node properties (`&anchor`, `!tag`) at the start of `start..end`.
/// Plain scalars cannot start with `&` or `!`, so this never eats content.
pub(super) fn skip_properties(bytes: &[u8], start: usize, end: usize) -> usize {
    let mut i = start;
    while i < end && matches!(bytes[i], b'&' | b'!') {
        while i < end && !bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        while i < end && bytes[i].is_ascii_whitespace() {
            i += 1;
        }
    }
    i
}

/// Just past the closing quote of the quoted scalar opening at `start` (the end of the text if
/// it never closes).
pub(super) fn quoted_end(b: &[u8], start: usize) -> usize {
    let Some(&q) = b.get(start) else {
        return start;
    };
    if q != b'"' && q != b'\'' {
        return b.len();
    }
    let mut i = start + 1;
    while i < b.len() {
        match b[i] {
            b'\\' if q == b'"' => i += 2,
            b'\'' if q == b'\'' && b.get(i + 1) == Some(&b'\'') => i += 2,
            c if c == q => return i + 1,
            _ => i += 1,
        }
    }
    b.len()
}
