/// Chinese sentences as the site shows them: ASCII punctuation that stands in a Chinese
/// sentence becomes its full-width form (`，；：？！（）`). Messages come from many places
/// (the machines' refusals, form checks); the pages that show them pass them through here.
public enum ChineseText {
    /// Whether `c` is a CJK ideograph or full-width punctuation (what makes a sentence Chinese).
    static func isChinese(_ c: Character?) -> Bool {
        guard let scalar = c?.unicodeScalars.first else { return false }
        switch scalar.value {
        case 0x2026, 0x201C...0x201D, 0x3000...0x303F, 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xFF00...0xFFEF: return true
        default: return false
        }
    }

    /// `text` with `,` `;` `:` `?` `!` next to a Chinese character, and parentheses that open
    /// or close beside one (with their partner), in full width. Numbers (`2,000`), times
    /// (`10:30`) and ASCII-only text are left alone.
    public static func fullWidth(_ text: String) -> String {
        let chars = Array(text)
        var out = chars
        let marks: [Character: Character] = [",": "，", ";": "；", ":": "：", "?": "？", "!": "！"]
        var open: [(index: Int, chinese: Bool)] = []
        for (i, c) in chars.enumerated() {
            let before = i > 0 ? chars[i - 1] : nil
            let after = i + 1 < chars.count ? chars[i + 1] : nil
            if let wide = marks[c], isChinese(before) || isChinese(after) {
                // Digits on both sides: a number or a time, not a sentence's comma.
                if !(before?.isNumber == true && after?.isNumber == true && !isChinese(before) && !isChinese(after)) {
                    out[i] = wide
                }
                // A trailing space after a converted mark is dropped.
            } else if c == "(" {
                open.append((i, isChinese(before) || isChinese(after)))
            } else if c == ")", let o = open.popLast() {
                if o.chinese || isChinese(before) || isChinese(after) {
                    out[o.index] = "（"
                    out[i] = "）"
                }
            }
        }
        var result = ""
        for (i, c) in out.enumerated() {
            // No space after a full-width mark ("格式： PDF" → "格式：PDF").
            if c == " ", i > 0, "，；：？！（）".contains(out[i - 1]), out[i - 1] != chars[i - 1] { continue }
            result.append(c)
        }
        return result
    }
}
