"""`quotes review DATASET --out DIR`: a static HTML report to check the data by eye.

index.html holds summary charts (quotes by type, by cue, top speakers, quotes per article) and
links to every article page; speakers.html lists the quotes of each speaker; one page per
article shows its text with every quote highlighted (colour by speaker, cue underlined, a type
badge, flags), and hovering a quote shows its rule, attribution and confidence. Everything is
inline (CSS, SVG charts): it opens from disk in any browser, with no server and no network.
File names come from a hash of the article id, never from the id itself.
"""

from __future__ import annotations

import html
from collections import Counter, defaultdict
from pathlib import Path

from quotes.dataset.read import dataset_table
from quotes.dataset.write import output_folder
from quotes.extraction.speakers import PEOPLE
from quotes.records import short_hash

STYLE = """
body{font-family:system-ui,sans-serif;margin:2rem auto;max-width:72rem;line-height:1.6;color:#222}
h1,h2{line-height:1.2} a{color:#1a4f8b} table{border-collapse:collapse}
td,th{padding:.2rem .6rem;border-bottom:1px solid #ddd;text-align:left}
.text{white-space:pre-wrap;font-size:1.05rem}
.q{border-radius:3px;padding:1px 0;cursor:help}
.cue{text-decoration:underline;text-decoration-thickness:2px;text-underline-offset:3px}
.spk{font-weight:600;border-bottom:2px dotted #555}
.badge{font-size:.7rem;font-weight:700;border-radius:3px;padding:0 .3rem;margin-left:.15rem;vertical-align:super;color:#fff}
.direct{background:#2e7d32}.indirect{background:#1565c0}.mixed{background:#8e24aa}
.flag{font-size:.7rem;background:#ffe0b2;color:#6d4c41;border-radius:3px;padding:0 .3rem;margin-left:.15rem;vertical-align:super}
.charts{display:grid;grid-template-columns:repeat(auto-fit,minmax(22rem,1fr));gap:1.5rem}
.chart h3{margin:.2rem 0}
nav{margin-bottom:1rem}
"""


def esc(value: object) -> str:
    """Every value from the dataset goes through here: a dataset may come from anyone, and any
    column (ids, types, rules as well as texts) can hold markup."""
    return html.escape("" if value is None else str(value))


def clip(text: str, length: int) -> str:
    """Text cut to a length, never without a visible ellipsis."""
    return text if len(text) <= length else text[:length - 1].rstrip() + "…"


def page(title: str, body: str) -> str:
    return (f"<!doctype html>\n<html lang=\"vi\"><head><meta charset=\"utf-8\"><title>{esc(title)}</title>"
            f"<style>{STYLE}</style></head><body>{body}</body></html>\n")


def page_name(article_id: str) -> str:
    """A file name from the article id's hash: ids from input never become paths."""
    return "a-" + short_hash(article_id, 16) + ".html"


def colour(key: str | None) -> str:
    if not key:
        return "hsl(0,0%,88%)"
    hue = int(short_hash(key, 4), 16) % 360
    return f"hsl({hue},70%,85%)"


def bar_chart(title: str, counts: list[tuple[str, int]]) -> str:
    """A horizontal bar chart as inline SVG."""
    width, row = 360, 20
    top = max((n for _, n in counts), default=1) or 1
    bars = []
    for i, (label, n) in enumerate(counts):
        w = int(200 * n / top)
        y = i * row
        bars.append(f'<text x="0" y="{y + 14}" font-size="12">{esc(clip(label, 28))}</text>'
                    f'<rect x="150" y="{y + 3}" width="{w}" height="{row - 6}" fill="#5c8fd6">'
                    f'<title>{esc(label)}: {n}</title></rect>'
                    f'<text x="{155 + w}" y="{y + 14}" font-size="12">{n}</text>')
    height = max(row * len(counts), row)
    return (f'<div class="chart"><h3>{esc(title)}</h3><svg role="img" aria-label="{esc(title)}" '
            f'width="{width + 40}" height="{height}">{"".join(bars)}</svg></div>')


def highlighted(text: str, quotes: list[dict]) -> str:
    """The article text as HTML: quotes as coloured spans, their cue underlined and their
    speaker mention marked, with a badge for the type and the flags."""
    marks: list[tuple[int, int, str, str]] = []  # (offset, order, html, kind)
    spans = sorted((q["start"], q["end"]) for q in quotes)

    def overlaps_a_quote(start: int, end: int) -> bool:
        return any(s < end and start < e for s, e in spans)  # small: the quotes of one article

    taken: list[tuple[int, int]] = []
    for q in quotes:
        tip = (f"{q['quote_type']} · rule {q['rule']} · confidence {q['confidence']:.2f} · "
               f"speaker {q['speaker'] or '(none)'} ({q['attribution']})")
        style = f"background:{colour(q['speaker_id'])}"
        marks.append((q["start"], 1, f'<span class="q" id="{esc(q["quote_id"])}" style="{style}" title="{esc(tip)}" '
                                     f'data-type="{esc(q["quote_type"])}" data-speaker="{esc(q["speaker"])}">', "open"))
        badges = f'<span class="badge {esc(q["quote_type"])}">{esc(q["quote_type"])}</span>' + "".join(
            f'<span class="flag">{esc(f)}</span>' for f in q["flags"])
        marks.append((q["end"], 0, "</span>" + badges, "close"))
        for start, end, css in ((q["cue_start"], q["cue_end"], "cue"), (q["speaker_start"], q["speaker_end"], "spk")):
            # Marks must nest: skip a cue or mention inside a quote or over another mark.
            if start is None or end is None or overlaps_a_quote(start, end) or any(s < end and start < e for s, e in taken):
                continue
            taken.append((start, end))
            marks.append((start, 1, f'<span class="{css}">', "open"))
            marks.append((end, 0, "</span>", "close"))
    marks.sort(key=lambda m: (m[0], m[1]))
    out, pos = [], 0
    for offset, _, tag, _ in marks:
        out.append(esc(text[pos:offset]))
        out.append(tag)
        pos = max(pos, offset)
    out.append(esc(text[pos:]))
    return "".join(out)


def write_report(dataset: Path, out: Path, limit: int | None = None) -> Path:
    quotes = dataset_table(dataset, "quotes").to_pylist()
    articles = dataset_table(dataset, "articles", ["article_id", "title", "text", "status"]).to_pylist()
    articles = [a for a in articles if a["status"] == "ok"][:limit]
    by_article: dict[str, list[dict]] = defaultdict(list)
    for q in quotes:
        by_article[q["article_id"]].append(q)
    output_folder(out / "articles")
    for article in articles:
        _write_article(out, article, by_article.get(article["article_id"], []))
    shown = {a["article_id"] for a in articles}
    _write_speakers(out, [q for q in quotes if q["article_id"] in shown])
    index = out / "index.html"
    index.write_text(_index(articles, [q for q in quotes if q["article_id"] in shown], by_article), "utf-8")
    return index


def _write_article(out: Path, article: dict, quotes: list[dict]) -> None:
    quotes = sorted(quotes, key=lambda q: (q["start"], -q["end"]))
    top_level = [q for q in quotes if not q["parent_quote_id"]]
    rows = "".join(
        f'<tr><td><a href="#{esc(q["quote_id"])}">{esc(clip(q["quote"], 80))}</a></td><td>{esc(q["quote_type"])}</td>'
        f'<td>{esc(q["speaker"])}</td><td>{esc(q["cue"])}</td><td>{esc(q["rule"])}</td>'
        f'<td>{q["confidence"]:.2f}</td></tr>' for q in quotes)
    body = (f'<nav><a href="../index.html">all articles</a> · <a href="../speakers.html">speakers</a></nav>'
            f'<h1>{esc(article["title"] or article["article_id"])}</h1>'
            f'<p>article <code>{esc(article["article_id"])}</code> · {len(quotes)} quotes</p>'
            f'<div class="text">{highlighted(article["text"], top_level)}</div>'
            f'<h2>Quotes</h2><table><tr><th>quote</th><th>type</th><th>speaker</th><th>cue</th><th>rule</th>'
            f'<th>confidence</th></tr>{rows}</table>')
    (out / "articles" / page_name(article["article_id"])).write_text(page(article["title"] or "article", body), "utf-8")


def _write_speakers(out: Path, quotes: list[dict]) -> None:
    by_speaker: dict[str, list[dict]] = defaultdict(list)
    for q in quotes:
        by_speaker[q["speaker"] or "(no speaker)"].append(q)
    sections = []
    for name, rows in sorted(by_speaker.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        anchor = "s-" + short_hash(name, 12)
        items = "".join(
            f'<li><a href="articles/{page_name(q["article_id"])}#{esc(q["quote_id"])}">{esc(clip(q["quote"], 120))}</a> '
            f'<span class="badge {esc(q["quote_type"])}">{esc(q["quote_type"])}</span></li>' for q in rows)
        sections.append(f'<h2 id="{anchor}" style="background:{colour(rows[0]["speaker_id"])}">{esc(name)} '
                        f'<small>({len(rows)} quotes, {esc(rows[0]["speaker_type"] or "?")})</small></h2><ul>{items}</ul>')
    body = '<nav><a href="index.html">all articles</a></nav><h1>Speakers</h1>' + "".join(sections)
    (out / "speakers.html").write_text(page("Speakers", body), "utf-8")


def _index(articles: list[dict], quotes: list[dict], by_article: dict[str, list[dict]]) -> str:
    types = Counter(q["quote_type"] for q in quotes)
    cues = Counter(q["cue_lemma"] or q["cue"] or "(none)" for q in quotes)
    speakers = Counter(q["speaker"] or "(no speaker)" for q in quotes)
    per_article = [(a["title"] or a["article_id"], len(by_article.get(a["article_id"], []))) for a in articles]
    genders = Counter(q["speaker_gender"] for q in quotes if q["speaker_type"] in PEOPLE)  # unknown shown too
    charts = "".join([
        bar_chart("Quotes by type", sorted(types.items())),
        bar_chart("Quotes by cue", cues.most_common(12)),
        bar_chart("Top speakers", speakers.most_common(12)),
        bar_chart("Quotes per article", sorted(per_article, key=lambda kv: -kv[1])[:12]),
        bar_chart("Quotes of people by speaker gender", [(g, genders[g]) for g in ("female", "male", "unknown")]),
    ])
    rows = "".join(
        f'<tr><td><a href="articles/{page_name(a["article_id"])}">{esc(a["title"] or a["article_id"])}</a></td>'
        f'<td>{len(by_article.get(a["article_id"], []))}</td></tr>' for a in articles)
    body = (f'<h1>Quote review</h1><p>{len(articles)} articles, {len(quotes)} quotes. '
            f'<a href="speakers.html">Speaker index</a></p><div class="charts">{charts}</div>'
            f'<h2>Articles</h2><table><tr><th>article</th><th>quotes</th></tr>{rows}</table>')
    return page("Quote review", body)
