"""The letters' fonts, from the pip-installed font packages alone: no host font is needed.

WeasyPrint is slow with the packaged files as they come: without the host's
libharfbuzz-subset it instantiates a variable font at every render and subsets a 19 MB CJK
collection with fontTools (13 s for a Chinese letter). So, with HarfBuzz's subsetter and
instancer from the uharfbuzz wheel, the Latin, Cyrillic and Arabic faces are made static
and cut to their scripts once per process (in milliseconds: fontTools' instancer takes
10-15 s a face, which is why it is not used), and the Chinese face is cut, for each letter,
to the characters that letter uses. WeasyPrint's own subsetting of the embedded faces
(0.6 s a face with fontTools, which decompiles the layout tables it then drops) is done with
the same uharfbuzz when the host has no libharfbuzz-subset, as WeasyPrint does with it.

The Arabic face is Tajawal: the packaged Noto Sans Arabic draws letters as dotless
skeletons plus dots, so one glyph stands for several letters and a PDF's text layer cannot
say which (pdftotext read "بفيف" for "جنيف"); Amiri and IBM Plex Sans Arabic put two glyphs
in one cluster, which WeasyPrint maps to one letter and nothing (pdftotext read "ا بريد"
for "البريد"). Tajawal keeps one glyph per letter, and every word of CL-26/22 is found.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path

import fontpkg_noto_sans
import fontpkg_tajawal
import noto_cjk_sans_otc
import uharfbuzz
from weasyprint.pdf import fonts as weasyprint_pdf_fonts
from weasyprint.text import ffi as weasyprint_ffi
from weasyprint.urls import URLFetcher, URLFetcherResponse

logger = logging.getLogger(__name__)

SCHEME = "plenary-font"
SANS, ARABIC, CJK = "Plenary Sans", "Plenary Arabic", "Plenary CJK"
# The families of a letter, first choice first; the Latin face fills in what the others lack.
FAMILIES = {"ar": [ARABIC, SANS], "zh": [CJK, SANS]}
LATIN_FAMILIES = [SANS]

# What each static face keeps: its scripts, punctuation and the symbols letters use.
_COMMON = [
    (0x0020, 0x007E),
    (0x00A0, 0x00FF),
    (0x2000, 0x206F),  # general punctuation: dashes, quotes, spaces, bidi controls
    (0x20A0, 0x20CF),
    (0x2100, 0x2122),
    (0x2190, 0x2199),
    (0x2212, 0x2212),
    (0xFEFF, 0xFEFF),
]
_LATIN_RANGES = [
    *_COMMON,
    (0x0100, 0x024F),
    (0x0250, 0x02FF),
    (0x0300, 0x036F),
    (0x0370, 0x03FF),
    (0x0400, 0x052F),
    (0x1E00, 0x1EFF),
    (0xFB00, 0xFB06),
]
_ARABIC_RANGES = [
    (0x0020, 0x0040),  # space, digits and the punctuation between words; no Latin letters
    (0x005B, 0x0060),
    (0x007B, 0x007E),
    (0x00A0, 0x00BF),
    (0x0600, 0x06FF),
    (0x0750, 0x077F),
    (0x08A0, 0x08FF),
    (0x200B, 0x2027),
    (0xFB50, 0xFDFF),
    (0xFE70, 0xFEFF),
]
# Always kept in a Chinese letter's face, so that short letters share one subset more often.
_CJK_BASE = (
    "".join(chr(code) for code in range(0x20, 0x7F))
    + "，。、：；！？（）《》「」“”‘’—…·－０１２３４５６７８９"
)


@dataclass(frozen=True)
class Face:
    family: str
    weight: str
    url: str


@dataclass(frozen=True)
class _StaticFace:
    name: str
    family: str
    weight: str
    source: Path
    location: dict[str, float] | None
    ranges: list[tuple[int, int]]


_STATIC_FACES = [
    _StaticFace(
        "sans-regular",
        SANS,
        "normal",
        Path(fontpkg_noto_sans.ROOT) / "files" / "NotoSans[wdth,wght].ttf",
        {"wght": 400, "wdth": 100},
        _LATIN_RANGES,
    ),
    _StaticFace(
        "sans-bold",
        SANS,
        "bold",
        Path(fontpkg_noto_sans.ROOT) / "files" / "NotoSans[wdth,wght].ttf",
        {"wght": 700, "wdth": 100},
        _LATIN_RANGES,
    ),
    _StaticFace(
        "arabic-regular",
        ARABIC,
        "normal",
        Path(fontpkg_tajawal.ROOT) / "files" / "Tajawal-Regular.ttf",
        None,
        _ARABIC_RANGES,
    ),
    _StaticFace(
        "arabic-bold",
        ARABIC,
        "bold",
        Path(fontpkg_tajawal.ROOT) / "files" / "Tajawal-Bold.ttf",
        None,
        _ARABIC_RANGES,
    ),
]
_CJK_FILE = Path(noto_cjk_sans_otc.FONT_PATH)
_CJK_FACE_NAME = "Noto Sans CJK SC"
_CJK_CACHE_SIZE = 64


class LetterFonts:
    """The faces of the letters, made once per process and served to WeasyPrint from memory."""

    def __init__(self) -> None:
        self._static: dict[str, bytes] = {}
        self._cjk_face: uharfbuzz.Face | None = None
        self._cjk_subsets: OrderedDict[str, bytes] = OrderedDict()
        self._lock = threading.Lock()

    def prepare(self) -> None:
        """Make the static faces and open the CJK collection; say once which path is used."""
        with self._lock:
            if self._static:
                return
            host_subsetter = install_subsetter()
            for face in _STATIC_FACES:
                self._static[face.name] = _make_static(face)
            blob = uharfbuzz.Blob.from_file_path(str(_CJK_FILE))
            self._cjk_face = uharfbuzz.Face(blob, _cjk_face_index(blob))
        logger.debug("letter fonts ready; host subsetter: %s", host_subsetter)

    def faces(self, language: str, text: str) -> list[Face]:
        """The @font-face rules of a letter in a language whose text is given."""
        self.prepare()
        faces = []
        for family in FAMILIES.get(language, LATIN_FAMILIES):
            if family == CJK:
                # A family name per subset: WeasyPrint tells faces apart by their description,
                # and two letters' pages written as one PDF would share one face's glyph ids.
                key = self._cjk_subset(text)
                faces.append(Face(f"{CJK} {key}", "normal", f"{SCHEME}:cjk/{key}"))
                continue
            faces += [
                Face(face.family, face.weight, f"{SCHEME}:static/{face.name}")
                for face in _STATIC_FACES
                if face.family == family
            ]
        return faces

    def css(self, language: str, text: str) -> str:
        """The faces as a stylesheet, with the font stack that uses them."""
        faces = self.faces(language, text)
        stack = ", ".join([*dict.fromkeys(f'"{face.family}"' for face in faces), "sans-serif"])
        return "\n".join(
            [
                *(
                    f'@font-face {{ font-family: "{face.family}"; src: url("{face.url}"); '
                    f"font-weight: {face.weight}; }}"
                    for face in faces
                ),
                # A user stylesheet: it needs !important to win over the letter's own.
                f"html {{ font-family: {stack} !important; }}",
                f"@page {{ @bottom-center {{ font-family: {stack} !important; }} }}",
                # The CJK package has one weight: bold text would embed the same face twice.
                *(["* { font-weight: normal !important; }"] if language == "zh" else []),
            ]
        )

    def data(self, url: str) -> bytes:
        kind, _, name = url.removeprefix(f"{SCHEME}:").partition("/")
        with self._lock:
            found = self._static.get(name) if kind == "static" else self._cjk_subsets.get(name)
        if found is None:
            raise ValueError(f"no letter font at {url}")
        return found

    def _cjk_subset(self, text: str) -> str:
        characters = sorted({ord(character) for character in text + _CJK_BASE})
        key = hashlib.sha256(",".join(map(str, characters)).encode()).hexdigest()[:24]
        with self._lock:
            if key in self._cjk_subsets:
                self._cjk_subsets.move_to_end(key)
                return key
        subset_input = uharfbuzz.SubsetInput()
        for code in characters:
            subset_input.unicode_set.add(code)
        subset_input.flags = uharfbuzz.SubsetFlags.NO_HINTING
        data = uharfbuzz.subset(self._cjk_face, subset_input).blob.data
        with self._lock:
            self._cjk_subsets[key] = bytes(data)
            while len(self._cjk_subsets) > _CJK_CACHE_SIZE:
                self._cjk_subsets.popitem(last=False)
        return key


class FontFetcher(URLFetcher):
    """WeasyPrint's fetcher for file URLs, which also serves the letters' fonts from memory."""

    def __init__(self, fonts: LetterFonts) -> None:
        super().__init__(allowed_protocols={"file", SCHEME})
        self.fonts = fonts

    def fetch(self, url: str, headers=None) -> URLFetcherResponse:
        if url.startswith(f"{SCHEME}:"):
            return URLFetcherResponse(url, body=self.fonts.data(url))
        return super().fetch(url, headers)


def describe() -> str:
    """Which fonts and subsetter the letters use, for the start-up log."""
    return (
        "Letter fonts: Noto Sans and Tajawal made static, Noto Sans CJK SC cut per letter, "
        f"from the project's packages by HarfBuzz {uharfbuzz.version_string()} (uharfbuzz); "
        "embedded faces subset by "
        + ("the host's libharfbuzz-subset" if weasyprint_ffi.harfbuzz_subset else "uharfbuzz")
    )


def install_subsetter() -> bool:
    """Have WeasyPrint subset with uharfbuzz unless the host has libharfbuzz-subset; True if so."""
    if weasyprint_ffi.harfbuzz_subset is not None:
        return True
    weasyprint_pdf_fonts.Font.subset = _subset_embedded_font
    return False


# What WeasyPrint drops from an embedded face: a PDF viewer draws glyphs, it does not shape.
_DROPPED_TABLES = ("BASE", "DSIG", "EBDT", "EBLC", "EBSC", "GPOS", "GSUB", "JSTF", "LTSH", "PCLT")


def _subset_embedded_font(font: weasyprint_pdf_fonts.Font, to_unicode: dict, hinting: bool):
    """WeasyPrint's Font.subset with HarfBuzz: keep the glyphs used, at their ids."""
    if not to_unicode:
        return
    subset_input = uharfbuzz.SubsetInput()
    subset_input.glyph_set.update(sorted(to_unicode))
    flags = (
        uharfbuzz.SubsetFlags.RETAIN_GIDS
        | uharfbuzz.SubsetFlags.PASSTHROUGH_UNRECOGNIZED
        | uharfbuzz.SubsetFlags.DESUBROUTINIZE
    )
    if not hinting:
        flags |= uharfbuzz.SubsetFlags.NO_HINTING
    if font.missing:
        flags |= uharfbuzz.SubsetFlags.NOTDEF_OUTLINE
    subset_input.flags = flags
    for tag in (*_DROPPED_TABLES, "SVG "):
        subset_input.drop_table_tag_set.add(int.from_bytes(tag.encode("ascii"), "big"))
    face = uharfbuzz.Face(uharfbuzz.Blob(font.file_content), font.index)
    subsetted = uharfbuzz.subset(face, subset_input)
    if subsetted is None or not subsetted.blob.data:
        logger.warning("HarfBuzz could not subset %s", font.family)
        return
    font.file_content = bytes(subsetted.blob.data)


def _make_static(face: _StaticFace) -> bytes:
    """A variable face pinned at its weight and width, or a static one, cut to its scripts."""
    source = uharfbuzz.Face(uharfbuzz.Blob.from_file_path(str(face.source)))
    subset_input = uharfbuzz.SubsetInput()
    for start, end in face.ranges:
        subset_input.unicode_set.add_range(start, end)
    # HarfBuzz keeps its default features (Arabic joining, marks, kerning, ligatures); an
    # inverted set, meant as "all", drops lookups and broke the Arabic text layer.
    subset_input.flags = uharfbuzz.SubsetFlags.NO_HINTING
    for axis, value in (face.location or {}).items():
        subset_input.pin_axis_location(source, axis, value)
    return bytes(uharfbuzz.subset(source, subset_input).blob.data)


def _cjk_face_index(blob: uharfbuzz.Blob) -> int:
    """The Simplified Chinese face of the collection (its first face is Japanese)."""
    for index in range(16):
        face = uharfbuzz.Face(blob, index)
        if face.get_name(uharfbuzz.OTNameIdPredefined.FULL_NAME) == _CJK_FACE_NAME:
            return index
    raise LookupError(f"{_CJK_FACE_NAME} is not in {_CJK_FILE}")
