"""Benchmark: the personalised PDF letter of CL-26/22, in each of the six languages.

Renders, in one process and with nothing but the project's virtual environment, one letter
per addressee (each with a name of its own, in the language's script) and reports, per
language, the median and 90th-percentile time of a personalised letter once the circular's
shared pages are cached, the first letter's time (fonts and shared pages made), the PDF's
size, and the process's resident memory after all the letters.

    .venv/bin/python -m bench.letters --letters 40 --memory-letters 1000
"""

from __future__ import annotations

import argparse
import random
import resource
import statistics
import tempfile
import time
from pathlib import Path

from plenary import create_app
from plenary.extensions import db
from plenary.i18n import LANGUAGES
from tests.conftest import base_settings

# Given names and surnames in each language's script, combined into distinct addressees.
NAMES = {
    "ar": (["ليلى", "عمر", "سارة", "خالد", "نور", "يوسف"], ["الحسيني", "المنصوري", "القاسمي"]),
    "zh": (
        ["王", "李", "张", "刘", "陈", "杨", "赵", "黄"],
        ["晓明", "丽华", "建国", "海燕", "志强"],
    ),
    "en": (["Liisa", "Karl", "Mari", "Jaan", "Kadri"], ["Tamm", "Kask", "Saar", "Mägi"]),
    "fr": (["Amélie", "François", "Hélène", "Noël"], ["Lefèvre", "Dupré", "Mbaye", "Niang"]),
    "ru": (["Анна", "Игорь", "Мария", "Олег", "Ксения"], ["Иванова", "Петров", "Сулина"]),
    "es": (["María José", "Íñigo", "Lucía", "Andrés"], ["Núñez", "Peña", "Ibáñez", "Calderón"]),
}


def addressee_names(language: str, count: int) -> list[str]:
    given, family = NAMES[language]
    rng = random.Random(language)
    names = []
    for index in range(count):
        first, last = rng.choice(given), rng.choice(family)
        names.append(f"{first}{last}" if language == "zh" else f"{first} {last} {index}")
    return names


def rss_mib() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--letters", type=int, default=40, help="timed letters per language")
    parser.add_argument("--memory-letters", type=int, default=1000, help="letters for RSS")
    arguments = parser.parse_args()

    with tempfile.TemporaryDirectory() as directory:
        app = create_app(base_settings(Path(directory)))
        with app.app_context():
            db.create_all()
            run(arguments)
            db.session.remove()
            db.engine.dispose()


def run(arguments: argparse.Namespace) -> None:
    from plenary.invitations import letters
    from plenary.invitations.models import Addressee, AddresseeKind
    from tests.factories import make_country
    from tests.test_letters import make_circular

    circular = make_circular()
    country = make_country("EE")
    print(
        f"{'language':8} {'first ms':>9} {'median ms':>10} {'p90 ms':>7} "
        f"{'median CPU ms':>14} {'PDF KiB':>8}"
    )
    rows = {}
    for language in LANGUAGES:
        names = addressee_names(language, arguments.letters + 1)
        timings, cpu_timings, sizes = [], [], []
        for index, name in enumerate(names):
            addressee = Addressee(
                kind=AddresseeKind.ADMINISTRATION,
                country=country,
                language=language,
                honorific="H.E.",
                full_name=name,
                title="Minister",
                city="Tallinn",
                email=f"{language}{index}@example.org",
            )
            started, cpu = time.perf_counter(), time.process_time()
            pdf = letters.render_circular_pdf(circular, addressee, language)
            timings.append((time.perf_counter() - started) * 1000)
            cpu_timings.append((time.process_time() - cpu) * 1000)
            sizes.append(len(pdf))
        first, rest = timings[0], timings[1:]
        median = statistics.median(rest)
        p90 = statistics.quantiles(rest, n=10)[-1]
        rows[language] = (median, max(sizes))
        print(
            f"{language:8} {first:9.0f} {median:10.0f} {p90:7.0f} "
            f"{statistics.median(cpu_timings[1:]):14.0f} {statistics.median(sizes) / 1024:8.0f}"
        )

    languages = list(LANGUAGES)
    names = {language: addressee_names(language, 50) for language in languages}
    started = time.perf_counter()
    progress = []
    for index in range(arguments.memory_letters):
        if index in (100, 500):
            progress.append(f"{rss_mib():.0f} MiB after {index}")
        language = languages[index % len(languages)]
        addressee = Addressee(
            kind=AddresseeKind.ADMINISTRATION,
            country=country,
            language=language,
            honorific="H.E.",
            full_name=names[language][index // len(languages) % 50] + f" {index}",
            title="Minister",
            city="Tallinn",
        )
        letters.render_circular_pdf(circular, addressee, language)
    elapsed = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"{arguments.memory_letters} letters (six languages in turn) in {elapsed:.1f} s: "
        f"RSS {rss_mib():.0f} MiB, peak {peak:.0f} MiB ({', '.join(progress)})"
    )


if __name__ == "__main__":
    main()
