/// The character classes Go's regular expressions name, as Go 1.27 defines them: `\d`, `\s`,
/// `\w` and `[[:alpha:]]` are ASCII (ICU's are Unicode), and `\p{Name}` knows Go's categories,
/// category aliases and scripts only (ICU knows many more properties).
enum GoRegexClasses {
    /// Code point ranges, lowest first.
    typealias Ranges = [ClosedRange<UInt32>]

    /// `\d`, `\s`, `\w` and their negations (regexp/syntax/perl_groups.go).
    static let perl: [Unicode.Scalar: (ranges: Ranges, negated: Bool)] = {
        let digit: Ranges = [0x30...0x39], space: Ranges = [0x09...0x0A, 0x0C...0x0D, 0x20...0x20]
        let word: Ranges = [0x30...0x39, 0x41...0x5A, 0x5F...0x5F, 0x61...0x7A]
        return ["d": (digit, false), "D": (digit, true), "s": (space, false), "S": (space, true), "w": (word, false), "W": (word, true)]
    }()

    /// `[:alpha:]` and the other POSIX classes, with their `[:^alpha:]` negations.
    static let posix: [String: (ranges: Ranges, negated: Bool)] = {
        let classes: [String: Ranges] = [
            "alnum": [0x30...0x39, 0x41...0x5A, 0x61...0x7A], "alpha": [0x41...0x5A, 0x61...0x7A],
            "ascii": [0x00...0x7F], "blank": [0x09...0x09, 0x20...0x20], "cntrl": [0x00...0x1F, 0x7F...0x7F],
            "digit": [0x30...0x39], "graph": [0x21...0x7E], "lower": [0x61...0x7A], "print": [0x20...0x7E],
            "punct": [0x21...0x2F, 0x3A...0x40, 0x5B...0x60, 0x7B...0x7E], "space": [0x09...0x0D, 0x20...0x20],
            "upper": [0x41...0x5A], "word": [0x30...0x39, 0x41...0x5A, 0x5F...0x5F, 0x61...0x7A],
            "xdigit": [0x30...0x39, 0x41...0x46, 0x61...0x66],
        ]
        var table: [String: (ranges: Ranges, negated: Bool)] = [:]
        for (name, ranges) in classes {
            table["[:\(name):]"] = (ranges, false)
            table["[:^\(name):]"] = (ranges, true)
        }
        return table
    }()

    /// The ICU property for a `\p{name}` Go knows, and whether it is the complement (Go's
    /// `Assigned` is "not `Cn`"); nil for a name Go refuses.
    static func unicodeProperty(_ name: String) -> (property: String, inverted: Bool)? {
        unicodeNames[canonicalName(name)]
    }

    /// Go's lookup key for a class name: case, `_`, `-` and spaces do not count (`\p{greek}`,
    /// `\p{Old Italic}`); the first letter is upper case, the others lower case.
    static func canonicalName(_ name: String) -> String {
        var out = ""
        var first = true
        for scalar in name.unicodeScalars {
            if scalar == "_" || scalar == "-" || scalar == " " { continue }
            if first {
                out.unicodeScalars.append(("a"..."z").contains(scalar) ? Unicode.Scalar(scalar.value - 32)! : scalar)
                first = false
            } else {
                out.unicodeScalars.append(("A"..."Z").contains(scalar) ? Unicode.Scalar(scalar.value + 32)! : scalar)
            }
        }
        return out
    }

    /// Canonical name to ICU property, in Go's order of lookup (the first name wins).
    private static let unicodeNames: [String: (property: String, inverted: Bool)] = {
        var table: [String: (property: String, inverted: Bool)] = [
            "Any": ("Any", false), "Assigned": ("gc=Cn", true), "Ascii": ("ASCII", false), "Lc": ("gc=LC", false),
        ]
        func add(_ name: String, _ property: String) {
            let key = canonicalName(name)
            if table[key] == nil { table[key] = (property, false) }
        }
        let scripts = scriptNames.split(separator: " ").map(String.init)
        for category in categoryNames.split(separator: " ") { add(String(category), "gc=\(category)") }
        for script in scripts where canonicalName(script) == script { add(script, "sc=\(script)") }
        for alias in categoryAliases.split(separator: " ") {
            let parts = alias.split(separator: "=")
            add(String(parts[0]), "gc=\(parts[1])")
        }
        for script in scripts { add(script, "sc=\(script)") }
        return table
    }()

    // Go 1.27's unicode.Categories, unicode.CategoryAliases and unicode.Scripts, as printed by
    // the program in Tests/AnalysisTests/Goldens/COMMANDS.md.
    static let categoryNames = """
        C Cc Cf Cn Co Cs L LC Ll Lm Lo Lt Lu M Mc Me Mn N Nd Nl No P Pc Pd Pe Pf Pi Po Ps S Sc Sk Sm So \
        Z Zl Zp Zs
        """
    static let categoryAliases = """
        Cased_Letter=LC Close_Punctuation=Pe Combining_Mark=M Connector_Punctuation=Pc Control=Cc \
        Currency_Symbol=Sc Dash_Punctuation=Pd Decimal_Number=Nd Enclosing_Mark=Me Final_Punctuation=Pf \
        Format=Cf Initial_Punctuation=Pi Letter=L Letter_Number=Nl Line_Separator=Zl Lowercase_Letter=Ll \
        Mark=M Math_Symbol=Sm Modifier_Letter=Lm Modifier_Symbol=Sk Nonspacing_Mark=Mn Number=N \
        Open_Punctuation=Ps Other=C Other_Letter=Lo Other_Number=No Other_Punctuation=Po Other_Symbol=So \
        Paragraph_Separator=Zp Private_Use=Co Punctuation=P Separator=Z Space_Separator=Zs \
        Spacing_Mark=Mc Surrogate=Cs Symbol=S Titlecase_Letter=Lt Unassigned=Cn Uppercase_Letter=Lu \
        cntrl=Cc digit=Nd punct=P
        """
    static let scriptNames = """
        Adlam Ahom Anatolian_Hieroglyphs Arabic Armenian Avestan Balinese Bamum Bassa_Vah Batak Bengali \
        Beria_Erfe Bhaiksuki Bopomofo Brahmi Braille Buginese Buhid Canadian_Aboriginal Carian \
        Caucasian_Albanian Chakma Cham Cherokee Chorasmian Common Coptic Cuneiform Cypriot Cypro_Minoan \
        Cyrillic Deseret Devanagari Dives_Akuru Dogra Duployan Egyptian_Hieroglyphs Elbasan Elymaic \
        Ethiopic Garay Georgian Glagolitic Gothic Grantha Greek Gujarati Gunjala_Gondi Gurmukhi \
        Gurung_Khema Han Hangul Hanifi_Rohingya Hanunoo Hatran Hebrew Hiragana Imperial_Aramaic \
        Inherited Inscriptional_Pahlavi Inscriptional_Parthian Javanese Kaithi Kannada Katakana Kawi \
        Kayah_Li Kharoshthi Khitan_Small_Script Khmer Khojki Khudawadi Kirat_Rai Lao Latin Lepcha Limbu \
        Linear_A Linear_B Lisu Lycian Lydian Mahajani Makasar Malayalam Mandaic Manichaean Marchen \
        Masaram_Gondi Medefaidrin Meetei_Mayek Mende_Kikakui Meroitic_Cursive Meroitic_Hieroglyphs Miao \
        Modi Mongolian Mro Multani Myanmar Nabataean Nag_Mundari Nandinagari New_Tai_Lue Newa Nko Nushu \
        Nyiakeng_Puachue_Hmong Ogham Ol_Chiki Ol_Onal Old_Hungarian Old_Italic Old_North_Arabian \
        Old_Permic Old_Persian Old_Sogdian Old_South_Arabian Old_Turkic Old_Uyghur Oriya Osage Osmanya \
        Pahawh_Hmong Palmyrene Pau_Cin_Hau Phags_Pa Phoenician Psalter_Pahlavi Rejang Runic Samaritan \
        Saurashtra Sharada Shavian Siddham Sidetic SignWriting Sinhala Sogdian Sora_Sompeng Soyombo \
        Sundanese Sunuwar Syloti_Nagri Syriac Tagalog Tagbanwa Tai_Le Tai_Tham Tai_Viet Tai_Yo Takri \
        Tamil Tangsa Tangut Telugu Thaana Thai Tibetan Tifinagh Tirhuta Todhri Tolong_Siki Toto \
        Tulu_Tigalari Ugaritic Vai Vithkuqi Wancho Warang_Citi Yezidi Yi Zanabazar_Square
        """
}
