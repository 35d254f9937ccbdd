#!/usr/bin/env python3
"""Generates native/core/tokenizer/grapheme_tables.cc: the Grapheme_Cluster_Break data behind graphemes.cc.

Hugging Face `tokenizers` 0.23 splits text into extended grapheme clusters (Precompiled normalizer) with the
`unicode-segmentation` crate 1.13, whose tables are Unicode 17.0, rules GB1-GB999 of UAX #29 including GB9c
(Indic_Conjunct_Break) and GB11 (emoji ZWJ sequences).

We read Debian's Unicode 15.0 database (`apt-get install unicode-data`, /usr/share/unicode): the
Grapheme_Cluster_Break property (auxiliary/GraphemeBreakProperty.txt), Extended_Pictographic
(emoji/emoji-data.txt), and, for InCB=Consonant (Unicode 15.1+, absent from 15.0), Indic_Syllabic_Category=Consonant
in the scripts that have an InCB=Linker (IndicSyllabicCategory.txt, Scripts.txt). CHANGES_SINCE_15_0 then lists
every code point whose category differs in Unicode 17.0 (new characters, Extended_Pictographic narrowed in 17.0,
Mc marks that became Extend, independent vowels that became InCB=Consonant, ...); it was taken from a code point
by code point comparison with unicode-segmentation 1.13's tables and agrees with ICU 78 (Node's Intl.Segmenter),
see --check. InCB=Linker is the fixed list INCB_LINKERS (Unicode 17.0); InCB=Extend is derived as in Unicode
16.0+: Grapheme_Cluster_Break Extend or ZWJ, minus the linkers, minus U+200C.

The category of a code point is its Grapheme_Cluster_Break value, except that Extended_Pictographic and
InCB=Consonant code points (all GCB=Other) get their own category, as in the crate. Hangul syllables (LV, LVT)
are not listed: graphemes.cc computes them.

Usage:
  python3 scripts/gen_grapheme_tables.py [--ucd /usr/share/unicode] [--out native/core/tokenizer/grapheme_tables.cc]
  python3 scripts/gen_grapheme_tables.py --check-crate unicode-segmentation/src/tables.rs
"""

import argparse
import os
import re
import sys

from ucd import (HANGUL_FIRST, HANGUL_LAST, TOKENIZER_SOURCES, UCD_DEFAULT, append_rows, read_property, require,
                 value_runs, write_generated)

OUT_DEFAULT = os.path.join(TOKENIZER_SOURCES, "grapheme_tables.cc")

# Unicode 17.0 InCB=Linker.
INCB_LINKERS = [0x094D, 0x09CD, 0x0ACD, 0x0B4D, 0x0C4D, 0x0D4D, 0x1039, 0x17D2, 0x1A60, 0x1B44, 0x1BAB, 0xA9C0,
                0xAAF6, 0x10A3F, 0x11133, 0x113D0, 0x1193E, 0x11A47, 0x11A99, 0x11F42]
ZWNJ = 0x200C

# (first, last, Unicode 17.0 category) for every code point whose category differs from the 15.0 derivation.
CHANGES_SINCE_15_0 = [
    (0x0897, 0x0897, "Extend"), (0x0CC0, 0x0CC0, "Extend"), (0x0CC7, 0x0CC8, "Extend"),
    (0x0CCA, 0x0CCB, "Extend"), (0x1021, 0x102A, "InCB_Consonant"), (0x1052, 0x1055, "InCB_Consonant"),
    (0x1715, 0x1715, "Extend"), (0x1734, 0x1734, "Extend"), (0x17A3, 0x17B3, "InCB_Consonant"),
    (0x1A4D, 0x1A52, "InCB_Consonant"), (0x1ACF, 0x1ADD, "Extend"), (0x1AE0, 0x1AEB, "Extend"),
    (0x1B0B, 0x1B0C, "InCB_Consonant"), (0x1B3B, 0x1B3B, "Extend"), (0x1B3D, 0x1B3D, "Extend"),
    (0x1B43, 0x1B44, "Extend"), (0x1B83, 0x1B89, "InCB_Consonant"), (0x1BAA, 0x1BAA, "Extend"),
    (0x1BF2, 0x1BF3, "Extend"), (0x2388, 0x2388, "Any"), (0x2605, 0x2605, "Any"),
    (0x2607, 0x260D, "Any"), (0x260F, 0x2610, "Any"), (0x2612, 0x2612, "Any"),
    (0x2616, 0x2617, "Any"), (0x2619, 0x261C, "Any"), (0x261E, 0x261F, "Any"),
    (0x2621, 0x2621, "Any"), (0x2624, 0x2625, "Any"), (0x2627, 0x2629, "Any"),
    (0x262B, 0x262D, "Any"), (0x2630, 0x2637, "Any"), (0x263B, 0x263F, "Any"),
    (0x2641, 0x2641, "Any"), (0x2643, 0x2647, "Any"), (0x2654, 0x265E, "Any"),
    (0x2661, 0x2662, "Any"), (0x2664, 0x2664, "Any"), (0x2667, 0x2667, "Any"),
    (0x2669, 0x267A, "Any"), (0x267C, 0x267D, "Any"), (0x2680, 0x2685, "Any"),
    (0x2690, 0x2691, "Any"), (0x2698, 0x2698, "Any"), (0x269A, 0x269A, "Any"),
    (0x269D, 0x269F, "Any"), (0x26A2, 0x26A6, "Any"), (0x26A8, 0x26A9, "Any"),
    (0x26AC, 0x26AF, "Any"), (0x26B2, 0x26BC, "Any"), (0x26BF, 0x26C3, "Any"),
    (0x26C6, 0x26C7, "Any"), (0x26C9, 0x26CD, "Any"), (0x26D0, 0x26D0, "Any"),
    (0x26D2, 0x26D2, "Any"), (0x26D5, 0x26E8, "Any"), (0x26EB, 0x26EF, "Any"),
    (0x26F6, 0x26F6, "Any"), (0x26FB, 0x26FC, "Any"), (0x26FE, 0x2701, "Any"),
    (0x2703, 0x2704, "Any"), (0x270E, 0x270E, "Any"), (0x2710, 0x2711, "Any"),
    (0x2765, 0x2767, "Any"), (0xA953, 0xA953, "Extend"), (0xA9C0, 0xA9C0, "Extend"),
    (0xAAE0, 0xAAE1, "InCB_Consonant"), (0xABCE, 0xABCF, "InCB_Consonant"), (0xABD1, 0xABD1, "InCB_Consonant"),
    (0x10D69, 0x10D6D, "Extend"), (0x10EFA, 0x10EFC, "Extend"), (0x11103, 0x11106, "InCB_Consonant"),
    (0x111C0, 0x111C0, "Extend"), (0x11235, 0x11235, "Extend"), (0x1134D, 0x1134D, "Extend"),
    (0x11380, 0x11389, "InCB_Consonant"), (0x1138B, 0x1138B, "InCB_Consonant"), (0x1138E, 0x1138E, "InCB_Consonant"),
    (0x11390, 0x113B5, "InCB_Consonant"), (0x113B8, 0x113B8, "Extend"), (0x113B9, 0x113BA, "SpacingMark"),
    (0x113BB, 0x113C0, "Extend"), (0x113C2, 0x113C2, "Extend"), (0x113C5, 0x113C5, "Extend"),
    (0x113C7, 0x113C9, "Extend"), (0x113CA, 0x113CA, "SpacingMark"), (0x113CC, 0x113CD, "SpacingMark"),
    (0x113CE, 0x113D0, "Extend"), (0x113D1, 0x113D1, "Prepend"), (0x113D2, 0x113D2, "Extend"),
    (0x113E1, 0x113E2, "Extend"), (0x116B6, 0x116B6, "Extend"), (0x1171E, 0x1171E, "SpacingMark"),
    (0x11900, 0x11906, "InCB_Consonant"), (0x11909, 0x11909, "InCB_Consonant"), (0x1193D, 0x1193D, "Extend"),
    (0x11A00, 0x11A00, "InCB_Consonant"), (0x11A3A, 0x11A3A, "Any"), (0x11A50, 0x11A50, "InCB_Consonant"),
    (0x11B60, 0x11B60, "Extend"), (0x11B61, 0x11B61, "SpacingMark"), (0x11B62, 0x11B64, "Extend"),
    (0x11B65, 0x11B65, "SpacingMark"), (0x11B66, 0x11B66, "Extend"), (0x11B67, 0x11B67, "SpacingMark"),
    (0x11F04, 0x11F10, "InCB_Consonant"), (0x11F41, 0x11F41, "Extend"), (0x11F5A, 0x11F5A, "Extend"),
    (0x1611E, 0x16129, "Extend"), (0x1612A, 0x1612C, "SpacingMark"), (0x1612D, 0x1612F, "Extend"),
    (0x16D63, 0x16D63, "V"), (0x16D67, 0x16D6A, "V"), (0x16FF0, 0x16FF1, "Extend"),
    (0x1D166, 0x1D166, "Extend"), (0x1D16D, 0x1D16D, "Extend"), (0x1E5EE, 0x1E5EF, "Extend"),
    (0x1E6E3, 0x1E6E3, "Extend"), (0x1E6E6, 0x1E6E6, "Extend"), (0x1E6EE, 0x1E6EF, "Extend"),
    (0x1E6F5, 0x1E6F5, "Extend"), (0x1F000, 0x1F003, "Any"), (0x1F005, 0x1F02B, "Any"),
    (0x1F030, 0x1F093, "Any"), (0x1F0A0, 0x1F0AE, "Any"), (0x1F0B1, 0x1F0BF, "Any"),
    (0x1F0C1, 0x1F0CE, "Any"), (0x1F0D1, 0x1F0F5, "Any"), (0x1F10D, 0x1F10F, "Any"),
    (0x1F12F, 0x1F12F, "Any"), (0x1F16C, 0x1F16F, "Any"), (0x1F1AD, 0x1F1AD, "Any"),
    (0x1F260, 0x1F265, "Any"), (0x1F322, 0x1F323, "Any"), (0x1F394, 0x1F395, "Any"),
    (0x1F398, 0x1F398, "Any"), (0x1F39C, 0x1F39D, "Any"), (0x1F3F1, 0x1F3F2, "Any"),
    (0x1F3F6, 0x1F3F6, "Any"), (0x1F4FE, 0x1F4FE, "Any"), (0x1F546, 0x1F548, "Any"),
    (0x1F54F, 0x1F54F, "Any"), (0x1F568, 0x1F56E, "Any"), (0x1F571, 0x1F572, "Any"),
    (0x1F57B, 0x1F586, "Any"), (0x1F588, 0x1F589, "Any"), (0x1F58E, 0x1F58F, "Any"),
    (0x1F591, 0x1F594, "Any"), (0x1F597, 0x1F5A3, "Any"), (0x1F5A6, 0x1F5A7, "Any"),
    (0x1F5A9, 0x1F5B0, "Any"), (0x1F5B3, 0x1F5BB, "Any"), (0x1F5BD, 0x1F5C1, "Any"),
    (0x1F5C5, 0x1F5D0, "Any"), (0x1F5D4, 0x1F5DB, "Any"), (0x1F5DF, 0x1F5E0, "Any"),
    (0x1F5E2, 0x1F5E2, "Any"), (0x1F5E4, 0x1F5E7, "Any"), (0x1F5E9, 0x1F5EE, "Any"),
    (0x1F5F0, 0x1F5F2, "Any"), (0x1F5F4, 0x1F5F9, "Any"), (0x1F6C6, 0x1F6CA, "Any"),
    (0x1F6D3, 0x1F6D4, "Any"), (0x1F6E6, 0x1F6E8, "Any"), (0x1F6EA, 0x1F6EA, "Any"),
    (0x1F6F1, 0x1F6F2, "Any"), (0x1F774, 0x1F77F, "Any"), (0x1F7D5, 0x1F7D9, "Any"),
    (0x1F8B0, 0x1F8BB, "Any"), (0x1F8C0, 0x1F8C1, "Any"), (0x1F8D0, 0x1F8D8, "Any"),
    (0x1FA00, 0x1FA57, "Any"), (0x1FA60, 0x1FA6D, "Any"),
]

# Category names -> the enum in grapheme_tables.h. Extend splits three ways by InCB.
CATEGORIES = ["Other", "CR", "LF", "Control", "Extend", "ExtendLinker", "ExtendNoInCB", "ZWJ",
              "Regional_Indicator", "Prepend", "SpacingMark", "L", "V", "T", "LV", "LVT", "Extended_Pictographic",
              "InCB_Consonant"]


def categories(ucd):
    """Code point -> crate-style category name (Unicode 17.0), 'Any' for Other."""
    cat = dict(read_property(os.path.join(ucd, "auxiliary", "GraphemeBreakProperty.txt")))
    for cp in read_property(os.path.join(ucd, "emoji", "emoji-data.txt"), "Extended_Pictographic"):
        assert cp not in cat, hex(cp)
        cat[cp] = "Extended_Pictographic"
    scripts = read_property(os.path.join(ucd, "Scripts.txt"))
    linker_scripts = {scripts[cp] for cp in INCB_LINKERS if cp in scripts}
    for cp, isc in read_property(os.path.join(ucd, "IndicSyllabicCategory.txt")).items():
        if isc == "Consonant" and scripts.get(cp) in linker_scripts:
            assert cp not in cat, hex(cp)
            cat[cp] = "InCB_Consonant"
    for first, last, value in CHANGES_SINCE_15_0:
        for cp in range(first, last + 1):
            if value == "Any":
                cat.pop(cp, None)
            else:
                cat[cp] = value
    return cat


def table_categories(cat):
    """Splits Extend by InCB and drops Hangul syllables; returns {cp: CATEGORIES name}."""
    out = {}
    for cp, value in cat.items():
        if HANGUL_FIRST <= cp <= HANGUL_LAST:
            assert value in ("LV", "LVT"), hex(cp)
            continue
        if value == "Extend":
            value = "ExtendLinker" if cp in INCB_LINKERS else "ExtendNoInCB" if cp == ZWNJ else "Extend"
        assert value in CATEGORIES, value
        out[cp] = value
    for cp in INCB_LINKERS:
        assert out.get(cp) == "ExtendLinker", hex(cp)
    return out


def generate(cat):
    runs = value_runs(cat)
    out = [
        "// GENERATED by scripts/gen_grapheme_tables.py from the Unicode Character Database. Do not edit.",
        "// Grapheme cluster categories of Unicode 17.0 (unicode-segmentation 1.13, used by Hugging Face `tokenizers`).",
        '#include "core/tokenizer/grapheme_tables.h"',
        "",
        "namespace nn::grapheme_tables {",
        "",
        "// Every code point not listed is Other; Hangul syllables U+AC00..U+D7A3 (LV, LVT) are computed.",
        "const GraphemeRun kGraphemeRuns[] = {",
    ]
    cells = [f"{{0x{first:04X}, 0x{last:04X}, k{value.replace('_', '')}}}" for first, last, value in runs]
    append_rows(out, cells, 4)
    out += ["};", "const size_t kGraphemeRunsSize = sizeof(kGraphemeRuns) / sizeof(kGraphemeRuns[0]);", "",
            "}  // namespace nn::grapheme_tables"]
    return "\n".join(out) + "\n"


def check_crate(path, cat):
    """Compares with unicode-segmentation's src/tables.rs (grapheme_cat_table, InCB_Extend_table, linkers)."""
    src = open(path, encoding="utf-8").read()

    def table(name):
        start = src.index("const " + name)
        return src[start:src.index("];", start)]
    pair = r"\('\\u\{([0-9a-f]+)\}',\s*'\\u\{([0-9a-f]+)\}'"
    crate = {}
    for first, last, value in re.findall(pair + r",\s*GC_(\w+)\)", table("grapheme_cat_table")):
        for cp in range(int(first, 16), int(last, 16) + 1):
            crate[cp] = value
    incb_extend = set()
    for first, last in re.findall(pair + r"\)", table("InCB_Extend_table")):
        incb_extend.update(range(int(first, 16), int(last, 16) + 1))
    linkers = re.search(r"fn is_incb_linker.*?\n(.*?)\n", src, re.S).group(1)
    linkers = sorted(int(x, 16) for x in re.findall(r"\\u\{([0-9A-Fa-f]+)\}", linkers))
    bad = 0
    for cp in range(0x110000):
        if cat.get(cp, "Any") != crate.get(cp, "Any"):
            bad += 1
            if bad <= 20:
                print(f"U+{cp:04X}: crate {crate.get(cp, 'Any')} generated {cat.get(cp, 'Any')}")
    derived_extend = {cp for cp, v in cat.items() if v in ("Extend", "ZWJ")} - set(INCB_LINKERS) - {ZWNJ}
    if derived_extend != incb_extend:
        bad += 1
        print("InCB=Extend differs:", sorted(map(hex, derived_extend ^ incb_extend))[:20])
    if linkers != sorted(INCB_LINKERS):
        bad += 1
        print("InCB=Linker differs:", list(map(hex, linkers)))
    print(f"{bad} differences from the crate")
    return bad == 0


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--ucd", default=UCD_DEFAULT, help="Unicode Character Database directory (15.0)")
    parser.add_argument("--out", default=OUT_DEFAULT)
    parser.add_argument("--check-crate", metavar="TABLES_RS", help="compare with unicode-segmentation's tables.rs")
    args = parser.parse_args()
    require(os.path.join(args.ucd, "auxiliary", "GraphemeBreakProperty.txt"))
    with open(os.path.join(args.ucd, "DerivedAge.txt"), encoding="utf-8") as f:
        if "15.0" not in f.readline():
            sys.exit("expected the Unicode 15.0 database (CHANGES_SINCE_15_0 is relative to it)")
    cat = categories(args.ucd)
    if args.check_crate:
        sys.exit(0 if check_crate(args.check_crate, cat) else 1)
    write_generated(args.out, generate(table_categories(cat)))


if __name__ == "__main__":
    main()
