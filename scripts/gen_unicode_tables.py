#!/usr/bin/env python3
"""Generates native/core/tokenizer/unicode_tables.cc, the Unicode data behind the WordPiece tokenizer.

Hugging Face `tokenizers` (the reference we must match exactly) mixes three Unicode versions, because
each piece of its BERT pipeline takes its data from a different Rust crate:

  * `unicode_categories` 0.1.1 (general categories: control/format/private-use removal in clean_text,
    nonspacing marks in strip_accents, punctuation in BertPreTokenizer) ships Unicode 8.0 tables.
  * `unicode-normalization-alignments` (NFD and canonical combining classes) ships Unicode 9.0 tables.
  * Rust's std (`char::to_lowercase`, `char::is_whitespace`) follows the compiler's Unicode version;
    tokenizers 0.23 is built with Unicode 17.0 tables.

We read one Unicode Character Database (Debian's `unicode-data` package: Unicode 15.0 in
/usr/share/unicode) and derive the older views from it with DerivedAge.txt. Normalization data
(decompositions, combining classes) is immutable for assigned characters, so "15.0 restricted to
characters assigned by 9.0" is exactly 9.0. General categories are not immutable: the few changes
between 8.0 and 15.0 that touch the categories we use are listed in GC_CHANGES_SINCE_8_0. Lowercase
mappings added after 15.0 are listed in LOWERCASE_ADDED_AFTER_15_0.

Every table was checked code point by code point against the behaviour of the real library (see
--check below).

Usage:
  apt-get install unicode-data   # once
  python3 scripts/gen_unicode_tables.py [--ucd /usr/share/unicode] [--out native/core/tokenizer/unicode_tables.cc]
  python3 scripts/gen_unicode_tables.py --check ORACLE.txt   # compare with a dump of HF's behaviour

The --check file has one line per code point whose behaviour is not the identity, e.g.
  "130 nfd=49,307 strip=49 lower=69,307" or "b other split_ws";
fields: other (removed by clean_text), ws (mapped to ' ' by clean_text), cjk, nfd=..., strip=... (NFD then
nonspacing marks dropped; '-' when nothing is left), lower=..., punct / split_ws (BertPreTokenizer
isolates / removes it). It can be produced with the `tokenizers` npm package (bertNormalizer with a
single option on, nfdNormalizer, lowercase, bertPreTokenizer over "a" + char + "b").
"""

import argparse
import os
import sys

from ucd import (HANGUL_FIRST, HANGUL_LAST, TOKENIZER_SOURCES, UCD_DEFAULT, append_rows, hangul_decomposition,
                 parse_range, read_ages, read_fields, require, value_runs, write_generated)

OUT_DEFAULT = os.path.join(TOKENIZER_SOURCES, "unicode_tables.cc")

CATEGORY_VERSION = (8, 0)       # unicode_categories crate
NORMALIZATION_VERSION = (9, 0)  # unicode-normalization-alignments crate

# General categories that changed between Unicode 8.0 and 15.0 for characters assigned by 8.0, limited to
# changes into or out of the categories used here (Cc, Cf, Co, Mn, P*). Value: the Unicode 8.0 category.
GC_CHANGES_SINCE_8_0 = {
    0x166D: "Po",   # CANADIAN SYLLABICS CHI SIGN, So since 12.0
    0x1734: "Mn",   # HANUNOO SIGN PAMUDPOD, Mc since 14.0
    0x1885: "Lo",   # MONGOLIAN LETTER ALI GALI BALUDA, Mn since 9.0
    0x1886: "Lo",   # MONGOLIAN LETTER ALI GALI THREE BALUDA, Mn since 9.0
    0xA9BD: "Mc",   # JAVANESE CONSONANT SIGN KERET, Mn since 12.0
    0x111C9: "Po",  # SHARADA SANDHI MARK, Mn since 11.0
}

# Simple lowercase mappings of characters added in Unicode 16.0 and 17.0 (Rust std already has them).
# (first, last, target of first); consecutive letters map to consecutive targets.
LOWERCASE_ADDED_AFTER_15_0 = [
    (0x1C89, 0x1C89, 0x1C8A),    # CYRILLIC CAPITAL LETTER TJE (16.0)
    (0xA7CB, 0xA7CB, 0x0264),    # LATIN CAPITAL LETTER RAMS HORN (16.0)
    (0xA7CC, 0xA7CC, 0xA7CD),    # LATIN CAPITAL LETTER S WITH DIAGONAL STROKE (16.0)
    (0xA7CE, 0xA7CE, 0xA7CF),    # LATIN CAPITAL LETTER PHARYNGEAL VOICED FRICATIVE (17.0)
    (0xA7D2, 0xA7D2, 0xA7D3),    # LATIN CAPITAL LETTER DOUBLE THORN (17.0)
    (0xA7D4, 0xA7D4, 0xA7D5),    # LATIN CAPITAL LETTER DOUBLE WYNN (17.0)
    (0xA7DA, 0xA7DA, 0xA7DB),    # LATIN CAPITAL LETTER LAMBDA (16.0)
    (0xA7DC, 0xA7DC, 0x019B),    # LATIN CAPITAL LETTER LAMBDA WITH STROKE (16.0)
    (0x10D50, 0x10D65, 0x10D70),  # GARAY CAPITAL LETTERS (16.0)
    (0x16EA0, 0x16EB8, 0x16EBB),  # BERIA ERFE CAPITAL LETTERS (17.0)
]

SURROGATES = range(0xD800, 0xE000)
MAX_CP = 0x10FFFF


class Ucd:
    def __init__(self, ucd_dir):
        self.category = {}
        self.ccc = {}
        self.decomposition = {}
        self.lower = {}
        self.white_space = set()
        self.join_control = set()
        self.alphabetic = set()
        self._read_unicode_data(os.path.join(ucd_dir, "UnicodeData.txt"))
        self._read_special_casing(os.path.join(ucd_dir, "SpecialCasing.txt"))
        self.age = read_ages(ucd_dir)
        for fields in read_fields(os.path.join(ucd_dir, "PropList.txt")):
            target = {"White_Space": self.white_space, "Join_Control": self.join_control}.get(fields[1])
            if target is not None:
                first, last = parse_range(fields[0])
                target.update(range(first, last + 1))
        for fields in read_fields(os.path.join(ucd_dir, "DerivedCoreProperties.txt")):
            if fields[1] == "Alphabetic":
                first, last = parse_range(fields[0])
                self.alphabetic.update(range(first, last + 1))

    def _read_unicode_data(self, path):
        range_start = None
        for fields in read_fields(path):
            cp, name, category, ccc = int(fields[0], 16), fields[1], fields[2], int(fields[3])
            if name.endswith(", First>"):
                range_start = cp
                continue
            cps = range(range_start, cp + 1) if name.endswith(", Last>") else (cp,)
            for c in cps:
                self.category[c] = category
                if ccc:
                    self.ccc[c] = ccc
            if fields[5] and not fields[5].startswith("<"):
                self.decomposition[cp] = [int(x, 16) for x in fields[5].split()]
            if fields[13]:
                self.lower[cp] = [int(fields[13], 16)]

    def _read_special_casing(self, path):
        # Only unconditional mappings: Rust's char::to_lowercase has no language or context rules.
        for fields in read_fields(path):
            if len(fields) > 4 and fields[4]:
                continue
            cp = int(fields[0], 16)
            lower = [int(x, 16) for x in fields[1].split()]
            if lower != [cp]:
                self.lower[cp] = lower

    def assigned_by(self, cp, version):
        return self.age.get(cp, (99, 0)) <= version


# ---------------------------------------------------------------------------------------------------------
# The properties, each exactly as the reference library sees it.


def category_8_0(ucd, cp):
    if cp in GC_CHANGES_SINCE_8_0:
        return GC_CHANGES_SINCE_8_0[cp]
    return ucd.category.get(cp, "Cn") if ucd.assigned_by(cp, CATEGORY_VERSION) else "Cn"


def all_code_points():
    return (cp for cp in range(MAX_CP + 1) if cp not in SURROGATES)


def build_properties(ucd):
    props = {"other": [], "mark_nonspacing": [], "punctuation": [], "white_space": [], "word": []}
    for cp in all_code_points():
        cat = category_8_0(ucd, cp)
        if cat in ("Cc", "Cf", "Co"):
            props["other"].append(cp)
        if cat == "Mn":
            props["mark_nonspacing"].append(cp)
        if cat.startswith("P"):
            props["punctuation"].append(cp)
        if cp in ucd.white_space:
            props["white_space"].append(cp)
        # regex `\w` (Rust regex crate, used for added tokens' single_word): Alphabetic, marks, decimal
        # digits, connector punctuation and Join_Control, with current data.
        current = ucd.category.get(cp, "Cn")
        if (cp in ucd.alphabetic or current[0] == "M" or current in ("Nd", "Pc") or cp in ucd.join_control):
            props["word"].append(cp)
    return props


def full_decomposition(ucd, cp):
    parts = ucd.decomposition.get(cp)
    if parts is None or not ucd.assigned_by(cp, NORMALIZATION_VERSION):
        return [cp]
    return [x for part in parts for x in full_decomposition(ucd, part)]


def build_decompositions(ucd):
    result = {}
    for cp in sorted(ucd.decomposition):
        if HANGUL_FIRST <= cp <= HANGUL_LAST or not ucd.assigned_by(cp, NORMALIZATION_VERSION):
            continue
        result[cp] = full_decomposition(ucd, cp)
    return result


def build_combining_classes(ucd):
    return {cp: ccc for cp, ccc in ucd.ccc.items() if ucd.assigned_by(cp, NORMALIZATION_VERSION)}


def build_lowercase(ucd):
    lower = dict(ucd.lower)
    for first, last, target in LOWERCASE_ADDED_AFTER_15_0:
        for cp in range(first, last + 1):
            assert cp not in lower, hex(cp)
            lower[cp] = [target + cp - first]
    return lower


# ---------------------------------------------------------------------------------------------------------
# Compaction.


def to_ranges(cps):
    ranges = []
    for cp in sorted(cps):
        if ranges and ranges[-1][1] == cp - 1:
            ranges[-1][1] = cp
        else:
            ranges.append([cp, cp])
    return ranges


def lowercase_runs(single):
    """Runs [first, last, stride, delta]: every stride-th code point in first..last maps to cp + delta.
    Case pairs alternate (stride 2) or come in blocks (stride 1)."""
    runs = []
    for cp in sorted(single):
        delta = single[cp] - cp
        if runs:
            first, last, stride, run_delta = runs[-1]
            if run_delta == delta:
                if first == last and cp - last in (1, 2):
                    runs[-1] = [first, cp, cp - last, delta]
                    continue
                if first != last and cp - last == stride:
                    runs[-1][1] = cp
                    continue
        runs.append([cp, cp, 1, delta])
    return runs


# ---------------------------------------------------------------------------------------------------------
# Output.


def emit_ranges(out, name, ranges, per_line=6):
    out.append(f"const CodePointRange {name}[] = {{")
    append_rows(out, [f"{{0x{first:04X}, 0x{last:04X}}}" for first, last in ranges], per_line)
    out.append("};")
    out.append(f"const size_t {name}Size = sizeof({name}) / sizeof({name}[0]);")
    out.append("")


def generate(ucd):
    props = build_properties(ucd)
    decompositions = build_decompositions(ucd)
    combining = build_combining_classes(ucd)
    lower = build_lowercase(ucd)
    single_lower = {cp: m[0] for cp, m in lower.items() if len(m) == 1}
    multi_lower = {cp: m for cp, m in lower.items() if len(m) > 1}

    out = [
        "// GENERATED by scripts/gen_unicode_tables.py from the Unicode Character Database. Do not edit.",
        "// Versions follow the Rust crates behind Hugging Face `tokenizers` (see the script for why):",
        "// categories Unicode 8.0, normalization Unicode 9.0, lowercase and White_Space Unicode 17.0.",
        '#include "core/tokenizer/unicode_tables.h"',
        "",
        "namespace nn::unicode_tables {",
        "",
        "// General category Cc, Cf or Co (HF's `is_other`; unassigned and surrogate code points are not included).",
    ]
    emit_ranges(out, "kOther", to_ranges(props["other"]))
    out.append("// General category Mn.")
    emit_ranges(out, "kMarkNonspacing", to_ranges(props["mark_nonspacing"]))
    out.append("// General categories Pc, Pd, Pe, Pf, Pi, Po, Ps.")
    emit_ranges(out, "kPunctuation", to_ranges(props["punctuation"]))
    out.append("// White_Space property (Rust's char::is_whitespace).")
    emit_ranges(out, "kWhiteSpace", to_ranges(props["white_space"]))
    out.append("// Regex `\\w`: Alphabetic, marks, Nd, Pc, Join_Control.")
    emit_ranges(out, "kWordChar", to_ranges(props["word"]))

    out.append("// Canonical combining classes other than 0.")
    out.append("const CombiningClassRun kCombiningClass[] = {")
    append_rows(out, [f"{{0x{a:04X}, 0x{b:04X}, {c}}}" for a, b, c in value_runs(combining)], 5)
    out.append("};")
    out.append("const size_t kCombiningClassSize = sizeof(kCombiningClass) / sizeof(kCombiningClass[0]);")
    out.append("")

    pool = []
    entries = []
    for cp, parts in decompositions.items():
        entries.append((cp, len(pool), len(parts)))
        pool.extend(parts)
    # unicode.h relies on kMaxDecompositionLength == 4.
    assert len(pool) < 65536 and max(n for _, _, n in entries) <= 4
    out.append("// Full canonical decompositions (Hangul syllables are algorithmic and not listed).")
    out.append("const Decomposition kDecomposition[] = {")
    append_rows(out, [f"{{0x{c:04X}, {o}, {n}}}" for c, o, n in entries], 5)
    out.append("};")
    out.append("const size_t kDecompositionSize = sizeof(kDecomposition) / sizeof(kDecomposition[0]);")
    out.append("const char32_t kDecompositionPool[] = {")
    append_rows(out, [f"0x{c:04X}" for c in pool], 10)
    out.append("};")
    out.append("")

    out.append("// Single-character lowercase mappings.")
    out.append("const LowercaseRun kLowercase[] = {")
    append_rows(out, [f"{{0x{a:04X}, 0x{b:04X}, {s}, {d}}}" for a, b, s, d in lowercase_runs(single_lower)], 4)
    out.append("};")
    out.append("const size_t kLowercaseSize = sizeof(kLowercase) / sizeof(kLowercase[0]);")
    out.append("")
    assert all(len(m) <= 3 for m in multi_lower.values())
    out.append("// Lowercase mappings to several characters.")
    out.append("const MultiLowercase kMultiLowercase[] = {")
    for cp, m in sorted(multi_lower.items()):
        padded = m + [0] * (3 - len(m))
        out.append(f"    {{0x{cp:04X}, {len(m)}, {{" + ", ".join(f"0x{c:04X}" for c in padded) + "}},")
    out.append("};")
    out.append("const size_t kMultiLowercaseSize = sizeof(kMultiLowercase) / sizeof(kMultiLowercase[0]);")
    out.append("")
    out.append("}  // namespace nn::unicode_tables")
    return "\n".join(out) + "\n", (props, decompositions, combining, lower)


# ---------------------------------------------------------------------------------------------------------
# Verification against a dump of the reference library's behaviour.

ASCII_PUNCTUATION = set(map(ord, "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"))
CJK_RANGES = [(0x4E00, 0x9FFF), (0x3400, 0x4DBF), (0x20000, 0x2A6DF), (0x2A700, 0x2B73F), (0x2B740, 0x2B81F),
              (0x2B920, 0x2CEAF), (0xF900, 0xFAFF), (0x2F800, 0x2FA1F)]


def expected_behaviour(cp, sets, decompositions, lower):
    fields = {}
    removed = (cp in sets["other"] and cp not in (9, 10, 13)) or cp in (0, 0xFFFD)
    if removed:
        fields["other"] = None
    elif cp != 0x20 and (cp in sets["white_space"] or cp in (9, 10, 13)):
        fields["ws"] = None
    if any(a <= cp <= b for a, b in CJK_RANGES):
        fields["cjk"] = None
    if HANGUL_FIRST <= cp <= HANGUL_LAST:
        nfd = hangul_decomposition(cp)
    else:
        nfd = list(decompositions.get(cp, [cp]))
    if nfd != [cp]:
        fields["nfd"] = nfd
    stripped = [c for c in nfd if c not in sets["mark_nonspacing"]]
    if stripped != [cp]:
        fields["strip"] = stripped
    if cp in lower:
        fields["lower"] = lower[cp]
    if cp in sets["punctuation"] or cp in ASCII_PUNCTUATION:
        fields["punct"] = None
    elif cp in sets["white_space"]:
        fields["split_ws"] = None
    return fields


def check(oracle_path, props, decompositions, combining, lower):
    sets = {name: set(cps) for name, cps in props.items()}
    oracle = {}
    with open(oracle_path) as f:
        for line in f:
            parts = line.split()
            fields = {}
            for tok in parts[1:]:
                key, _, value = tok.partition("=")
                if value == "-":
                    fields[key] = []
                elif value:
                    fields[key] = [int(x, 16) for x in value.split(",")]
                else:
                    fields[key] = None
            oracle[int(parts[0], 16)] = fields
    mismatches = 0
    for cp in all_code_points():
        want = oracle.get(cp, {})
        got = expected_behaviour(cp, sets, decompositions, lower)
        if want != got:
            mismatches += 1
            if mismatches <= 20:
                print(f"U+{cp:04X}: reference {want} generated {got}")
    print(f"{mismatches} code points differ from the reference")
    return mismatches == 0


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--ucd", default=UCD_DEFAULT, help="Unicode Character Database directory (15.0)")
    parser.add_argument("--out", default=OUT_DEFAULT)
    parser.add_argument("--check", metavar="ORACLE", help="compare with a dump of the reference behaviour")
    args = parser.parse_args()

    require(os.path.join(args.ucd, "UnicodeData.txt"))
    ucd = Ucd(args.ucd)
    if ucd.age.get(0x1FAE8) != (15, 0) or (16, 0) in set(ucd.age.values()):
        sys.exit("expected the Unicode 15.0 database (the post-15.0 lowercase additions are hard-coded)")
    text, data = generate(ucd)
    if args.check:
        sys.exit(0 if check(args.check, *data) else 1)
    write_generated(args.out, text)


if __name__ == "__main__":
    main()
