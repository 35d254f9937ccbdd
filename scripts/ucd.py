"""Reading the Unicode Character Database and writing generated C++ tables: what the gen_*_tables.py scripts share.

The database is Debian's `unicode-data` package (Unicode 15.0 in /usr/share/unicode); each generator says which
older or newer view of it the Rust crates behind Hugging Face `tokenizers` need, and derives that view itself.
"""

import os
import sys

UCD_DEFAULT = "/usr/share/unicode"
TOKENIZER_SOURCES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "native", "core", "tokenizer")
HANGUL_FIRST, HANGUL_LAST = 0xAC00, 0xD7A3


def read_fields(path):
    """Yields the ';'-separated fields of each data line of a UCD file, comments stripped."""
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.split("#", 1)[0].strip()
            if line:
                yield [x.strip() for x in line.split(";")]


def parse_range(text):
    """'0041' or '0041..005A' -> (first, last)."""
    first, _, last = text.partition("..")
    return int(first, 16), int(last or first, 16)


def read_property(path, wanted=None):
    """{code point: value} of a 'range ; value' file, only the lines whose value is `wanted` when given."""
    values = {}
    for fields in read_fields(path):
        if wanted is not None and fields[1] != wanted:
            continue
        first, last = parse_range(fields[0])
        for cp in range(first, last + 1):
            values[cp] = fields[1]
    return values


def read_ages(ucd_dir):
    """{code point: (major, minor)}: the Unicode version that assigned it (DerivedAge.txt)."""
    return {cp: tuple(int(x) for x in version.split("."))
            for cp, version in read_property(os.path.join(ucd_dir, "DerivedAge.txt")).items()}


def hangul_decomposition(cp):
    """The canonical decomposition of a precomposed Hangul syllable (algorithmic, not in UnicodeData.txt)."""
    s = cp - HANGUL_FIRST
    return [0x1100 + s // 588, 0x1161 + (s % 588) // 28] + ([0x11A7 + s % 28] if s % 28 else [])


def value_runs(mapping):
    """Runs of consecutive code points with the same value: [first, last, value], by code point."""
    runs = []
    for cp in sorted(mapping):
        if runs and runs[-1][1] == cp - 1 and runs[-1][2] == mapping[cp]:
            runs[-1][1] = cp
        else:
            runs.append([cp, cp, mapping[cp]])
    return runs


def append_rows(out, cells, per_line):
    """Appends `cells` (C++ initializer text) to the lines `out`, `per_line` to an indented line, each line ending
    with a comma."""
    for i in range(0, len(cells), per_line):
        out.append("    " + ", ".join(cells[i:i + per_line]) + ",")


def require(path):
    """Exits, saying how to get the database, when `path` (a file inside it) is missing."""
    if not os.path.exists(path):
        sys.exit(f"{path} not found: apt-get install unicode-data, or pass --ucd")


def write_generated(path, text):
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    print(f"wrote {os.path.normpath(path)} ({len(text)} bytes)")
