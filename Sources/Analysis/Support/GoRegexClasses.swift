/// The Unicode classes `\p{name}` names, as Go 1.27 reads them, written for Debian's RE2: Go
/// looks names up loosely (`\p{greek}`, `\p{Old Italic}`), knows category aliases
/// (`\p{Letter}`) and `Any`, `ASCII`, `Assigned`, `LC`, `Cn`, and counts unassigned code
/// points in `C`; RE2 (2022-06-01) knows the exact names of categories and scripts only, and
/// its `C` leaves unassigned code points out.
enum GoRegexClasses {
    /// What RE2 reads for a class Go knows.
    enum Class: Equatable {
        /// RE2 has it under this name (`Greek`, `Lu`, `Any`).
        case named(String)
        /// The class's members, and its complement, as the inside of a bracket class; nil when
        /// one bracket class cannot hold it (the complement of a union is not a union).
        case written(members: String?, complement: String?)
    }

    /// The class Go means by `\p{name}`, nil for a name Go refuses.
    static func lookup(_ name: String) -> Class? {
        classes[canonicalName(name)]
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

    /// Every assigned category but the C ones (C is the complement of these in Go).
    private static let assignedButOther = #"\pL\pM\pN\pP\pS\pZ"#
    private static let assigned = assignedButOther + #"\p{Cc}\p{Cf}\p{Co}\p{Cs}"#

    /// Canonical name to class, in Go's order of lookup (the first name wins).
    private static let classes: [String: Class] = {
        var table: [String: Class] = [
            "Any": .named("Any"),
            "Ascii": .written(members: #"\x00-\x7F"#, complement: #"\x{80}-\x{10FFFF}"#),
            "Assigned": .written(members: assigned, complement: nil),
            "C": .written(members: nil, complement: assignedButOther),
            "Cn": .written(members: nil, complement: assigned),
            "Lc": .written(members: #"\p{Lu}\p{Ll}\p{Lt}"#, complement: nil),
        ]
        func add(_ name: String, _ value: Class?) {
            let key = canonicalName(name)
            if table[key] == nil, let value { table[key] = value }
        }
        let scripts = scriptNames.split(separator: " ").map(String.init)
        for category in categoryNames.split(separator: " ") { add(String(category), .named(String(category))) }
        for script in scripts where canonicalName(script) == script { add(script, .named(script)) }
        for alias in categoryAliases.split(separator: " ") {
            let parts = alias.split(separator: "=").map(String.init)
            add(parts[0], table[canonicalName(parts[1])])
        }
        for script in scripts { add(script, .named(script)) }
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
