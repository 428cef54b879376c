"""`quotes review DATASET --out DIR`: a static HTML report to check the data by eye.

index.html holds summary charts (quotes by type, by cue, top speakers, quotes per article), the
articles (outlet, date, counts by type) and every quote; speakers.html lists the speakers and
the quotes of each with the article they come from; one page per article shows its id, outlet,
date and link, its text with every quote highlighted (colour by speaker, with a legend; cue
underlined, a type badge, flags; hovering a quote shows its rule, attribution and confidence),
its quotes, and its rejected candidates apart, dimmed, with their reason.

Every table sorts by a click on its header; quote tables have a search box (accents optional:
"ha noi" finds "Hà Nội") and a menu per facet (speaker, type, rule, cue, confidence band, flags),
in a few lines of plain JavaScript. Everything is inline (CSS, SVG charts, the script): it opens
from disk in any browser, with no server and no network. File names come from a hash of the
article id, never from the id itself.
"""

from __future__ import annotations

import html
from collections import Counter, defaultdict
from pathlib import Path

from quotes.dataset.read import dataset_table
from quotes.dataset.write import output_folder
from quotes.extraction.speakers import PEOPLE
from quotes.records import short_hash
from quotes.tools.calibrate import confidence_band

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
th{cursor:pointer;user-select:none;background:#f4f4f4} th[data-dir=asc]::after{content:" ▲"} th[data-dir=desc]::after{content:" ▼"}
.filters{display:flex;flex-wrap:wrap;gap:.4rem;margin:.5rem 0;align-items:center}
.filters input{min-width:16rem;padding:.2rem .4rem} .count{color:#666;font-size:.9rem}
.q.off{background:none!important}
.legend{display:flex;flex-wrap:wrap;gap:.3rem .9rem;margin:.5rem 0;font-size:.9rem}
.swatch{display:inline-block;width:.9rem;height:.9rem;border-radius:2px;vertical-align:middle;margin-right:.25rem;border:1px solid #bbb}
.rejected{opacity:.6} .rejected td{font-size:.9rem}
"""

# Filters and sorting, plain JavaScript. A table with data-facets gets a search box (accents and
# case optional) and one menu per facet, read from its rows' data-* attributes ("|" separates
# several values); hiding a quote's row also takes the colour off its span in the text.
# Every header sorts its column, numbers as numbers.
SCRIPT = """
function fold(s){return s.normalize('NFD').replace(/[\\u0300-\\u036f]/g,'').replace(/[đĐ]/g,'d').toLowerCase();}
document.querySelectorAll('table[data-facets]').forEach(function(table){
  var rows=Array.from(table.tBodies[0].rows), bar=document.createElement('div'), search=document.createElement('input');
  bar.className='filters'; search.type='search'; search.placeholder='search'; bar.appendChild(search);
  var menus=table.dataset.facets.split(' ').map(function(facet){
    var values=new Set(), menu=document.createElement('select');
    rows.forEach(function(r){(r.dataset[facet]||'').split('|').forEach(function(v){if(v)values.add(v);});});
    if(!values.size)return null;
    menu.dataset.facet=facet; menu.add(new Option(facet+': all',''));
    Array.from(values).sort().forEach(function(v){menu.add(new Option(v,v));});
    bar.appendChild(menu); return menu;}).filter(Boolean);
  var count=document.createElement('span'); count.className='count'; bar.appendChild(count);
  table.parentNode.insertBefore(bar,table);
  rows.forEach(function(r){r.dataset.fold=fold(r.textContent+' '+(r.dataset.speaker||''));});
  function apply(){
    var words=fold(search.value).split(/\\s+/).filter(Boolean), shown=0;
    rows.forEach(function(r){
      var ok=words.every(function(w){return r.dataset.fold.indexOf(w)>=0;})&&menus.every(function(m){
        return !m.value||(r.dataset[m.dataset.facet]||'').split('|').indexOf(m.value)>=0;});
      r.hidden=!ok; if(ok)shown++;
      var mark=r.dataset.quote&&document.getElementById(r.dataset.quote); if(mark)mark.classList.toggle('off',!ok);});
    count.textContent=shown+' of '+rows.length+' shown';}
  search.addEventListener('input',apply); menus.forEach(function(m){m.addEventListener('change',apply);}); apply();});
document.querySelectorAll('th').forEach(function(th){th.addEventListener('click',function(){
  var body=th.closest('table').tBodies[0], i=th.cellIndex, up=th.dataset.dir!=='asc';
  th.parentNode.querySelectorAll('th').forEach(function(o){delete o.dataset.dir;}); th.dataset.dir=up?'asc':'desc';
  function key(r){var t=r.cells[i].textContent.trim(); return /^-?[0-9.]+$/.test(t)?parseFloat(t):fold(t);}
  Array.from(body.rows).sort(function(a,b){var x=key(a),y=key(b);return (x<y?-1:x>y?1:0)*(up?1:-1);})
    .forEach(function(r){body.appendChild(r);});});});
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
            f"<style>{STYLE}</style></head><body>{body}<script>{SCRIPT}</script></body></html>\n")


def table(headers: list[str], rows: list[str], facets: str = "", css: str = "") -> str:
    """A sortable table; with facets (data-* names of its rows) it gets a search box and menus."""
    head = "".join(f"<th>{esc(h)}</th>" for h in headers)
    attributes = (f' data-facets="{facets}"' if facets else "") + (f' class="{css}"' if css else "")
    return f"<table{attributes}><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


QUOTE_FACETS = "speaker type rule cue band flags"


def quote_row(q: dict, cells: list[str], link: str = "") -> str:
    """A table row for a quote, carrying its facets for the filters; `link` leads to the quote
    in its article (its own page links to the highlighted span by id)."""
    facets = {"quote": q["quote_id"] if not link else "", "speaker": q["speaker"] or "(no speaker)",
              "type": q["quote_type"], "rule": q["rule"], "cue": q["cue_lemma"] or q["cue"] or "(none)",
              "band": confidence_band(q["confidence"]), "flags": "|".join(q["flags"])}
    data = "".join(f' data-{name}="{esc(value)}"' for name, value in facets.items() if value)
    target = link or "#" + q["quote_id"]
    quote = f'<a href="{esc(target)}">{esc(clip(q["quote"], 120))}</a>'
    return f"<tr{data}><td>{quote}</td>{''.join(cells)}</tr>"


def cells(*values: object) -> list[str]:
    return [f"<td>{esc(v)}</td>" for v in values]


def page_name(article_id: str) -> str:
    """A file name from the article id's hash: ids from input never become paths."""
    return "a-" + short_hash(article_id, 16) + ".html"


NO_SPEAKER = "hsl(0,0%,88%)"


def colour(key: str | None) -> str:
    """A speaker's colour across pages, from a hash of the speaker id."""
    if not key:
        return NO_SPEAKER
    hue = int(short_hash(key, 4), 16) % 360
    return f"hsl({hue},70%,85%)"


def palette(quotes: list[dict]) -> dict[str | None, str]:
    """Colours for the speakers of one article, most quoted first, each hue 137.5° (the golden
    angle) from the last: neighbours in the legend never look alike, as hashed hues can."""
    counts = Counter(q["speaker_id"] for q in quotes if q["speaker_id"])
    ranked = sorted(counts, key=lambda key: (-counts[key], key))
    return {None: NO_SPEAKER, **{key: f"hsl({round(i * 137.5) % 360},70%,85%)" for i, key in enumerate(ranked)}}


def bar_chart(title: str, counts: list[tuple[str, int]]) -> str:
    """A horizontal bar chart as inline SVG; the label column is as wide as its longest label
    (up to 40 characters, longer ones end in …), so no label runs under a bar."""
    row, char = 20, 7
    labels = [clip(label, 40) for label, _ in counts]
    left = char * max((len(label) for label in labels), default=10) + 10
    top = max((n for _, n in counts), default=1) or 1
    bars = []
    for i, ((label, n), shown) in enumerate(zip(counts, labels)):
        w = int(200 * n / top)
        y = i * row
        bars.append(f'<text x="0" y="{y + 14}" font-size="12">{esc(shown)}</text>'
                    f'<rect x="{left}" y="{y + 3}" width="{w}" height="{row - 6}" fill="#5c8fd6">'
                    f'<title>{esc(label)}: {n}</title></rect>'
                    f'<text x="{left + w + 5}" y="{y + 14}" font-size="12">{n}</text>')
    height = max(row * len(counts), row)
    width = left + 250  # the bar and its count; the drawing scales down to fit its column
    return (f'<div class="chart"><h3>{esc(title)}</h3><svg role="img" aria-label="{esc(title)}" '
            f'viewBox="0 0 {width} {height}" width="100%" style="max-width:{width}px">{"".join(bars)}</svg></div>')


def highlighted(text: str, quotes: list[dict], colours: dict[str | None, str]) -> str:
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
        style = f"background:{colours[q['speaker_id']]}"
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
    columns = ["article_id", "title", "text", "url", "outlet", "published", "status"]
    articles = [a for a in dataset_table(dataset, "articles", columns).to_pylist() if a["status"] == "ok"][:limit]
    shown = {a["article_id"] for a in articles}
    quotes = [q for q in quotes if q["article_id"] in shown]
    rejected = [r for r in dataset_table(dataset, "rejected").to_pylist() if r["article_id"] in shown]
    by_article: dict[str, list[dict]] = defaultdict(list)
    for q in quotes:
        by_article[q["article_id"]].append(q)
    rejected_by_article: dict[str, list[dict]] = defaultdict(list)
    for r in rejected:
        rejected_by_article[r["article_id"]].append(r)
    output_folder(out / "articles")
    for article in articles:
        _write_article(out, article, by_article[article["article_id"]], rejected_by_article[article["article_id"]])
    titles = {a["article_id"]: a["title"] or a["article_id"] for a in articles}
    (out / "speakers.html").write_text(_speakers(quotes, titles), "utf-8")
    index = out / "index.html"
    index.write_text(_index(articles, quotes, by_article, rejected_by_article, titles), "utf-8")
    return index


def _article_link(url: str) -> str:
    """The article's URL as a link when it is one a browser fetches (http or https): a URL
    from the input could also be javascript:."""
    if not url.startswith(("http://", "https://")):
        return esc(url)
    return f'<a href="{esc(url)}" rel="noopener noreferrer">{esc(clip(url, 80))}</a>'


def _type_counts(quotes: list[dict]) -> str:
    counts = Counter(q["quote_type"] for q in quotes)
    return ", ".join(f"{esc(t)} {counts[t]}" for t in ("direct", "indirect", "mixed") if counts[t]) or "no quotes"


def _legend(quotes: list[dict], colours: dict[str | None, str]) -> str:
    """One swatch per speaker, in the colours of the text."""
    speakers = Counter((q["speaker_id"], q["speaker"] or "(no speaker)") for q in quotes)
    items = "".join(f'<span><span class="swatch" style="background:{colours[speaker_id]}"></span>{esc(name)} ({n})</span>'
                    for (speaker_id, name), n in sorted(speakers.items(), key=lambda kv: (-kv[1], kv[0][1])))
    return f'<div class="legend">{items}</div>' if items else ""


def _write_article(out: Path, article: dict, quotes: list[dict], rejected: list[dict]) -> None:
    quotes = sorted(quotes, key=lambda q: (q["start"], -q["end"]))
    top_level = [q for q in quotes if not q["parent_quote_id"]]
    colours = palette(top_level)
    about = [f'article <code>{esc(article["article_id"])}</code>', esc(article["outlet"]), esc(article["published"]),
             _article_link(article["url"]), _type_counts(quotes), f"{len(rejected)} rejected candidates"]
    rows = [quote_row(q, cells(q["speaker"], q["quote_type"], q["cue"], q["rule"], f'{q["confidence"]:.2f}',
                               " ".join(q["flags"]))) for q in quotes]
    rejected_rows = ["<tr>" + "".join(cells(clip(r["text"], 120), r["reason"], r["rule"], r["start"])) + "</tr>"
                     for r in sorted(rejected, key=lambda r: r["start"])]
    body = (f'<nav><a href="../index.html">all articles</a> · <a href="../speakers.html">speakers</a></nav>'
            f'<h1>{esc(article["title"] or article["article_id"])}</h1>'
            f'<p>{" · ".join(part for part in about if part)}</p>{_legend(top_level, colours)}'
            f'<div class="text">{highlighted(article["text"], top_level, colours)}</div>'
            f'<h2>Quotes</h2>'
            + table(["quote", "speaker", "type", "cue", "rule", "confidence", "flags"], rows, QUOTE_FACETS)
            + '<h2>Rejected candidates</h2><p>What the rules looked at and left out, and why.</p>'
            + table(["text", "reason", "rule", "offset"], rejected_rows, css="rejected"))
    (out / "articles" / page_name(article["article_id"])).write_text(page(article["title"] or "article", body), "utf-8")


def _quote_link(q: dict) -> str:
    return f'articles/{page_name(q["article_id"])}#{q["quote_id"]}'


def _article_cell(q: dict, titles: dict[str, str]) -> str:
    return f'<td><a href="articles/{page_name(q["article_id"])}">{esc(clip(titles[q["article_id"]], 60))}</a></td>'


def _speakers(quotes: list[dict], titles: dict[str, str]) -> str:
    by_speaker: dict[str, list[dict]] = defaultdict(list)
    for q in quotes:
        by_speaker[q["speaker"] or "(no speaker)"].append(q)
    order = sorted(by_speaker.items(), key=lambda kv: (-len(kv[1]), kv[0]))
    summary = [f'<tr><td><span class="swatch" style="background:{colour(rows[0]["speaker_id"])}"></span>{esc(name)}</td>'
               + "".join(cells(rows[0]["speaker_type"] or "?", rows[0]["speaker_gender"], len(rows),
                               len({q["article_id"] for q in rows}))) + "</tr>" for name, rows in order]
    quote_rows = [quote_row(q, cells(name, q["quote_type"], f'{q["confidence"]:.2f}') + [_article_cell(q, titles)],
                            _quote_link(q)) for name, rows in order for q in rows]
    body = ('<nav><a href="index.html">all articles</a></nav><h1>Speakers</h1>'
            + table(["speaker", "type", "gender", "quotes", "articles"], summary)
            + "<h2>Their quotes</h2>"
            + table(["quote", "speaker", "type", "confidence", "article"], quote_rows, QUOTE_FACETS))
    return page("Speakers", body)


def _index(articles: list[dict], quotes: list[dict], by_article: dict[str, list[dict]],
           rejected: dict[str, list[dict]], titles: dict[str, str]) -> str:
    types = Counter(q["quote_type"] for q in quotes)
    cues = Counter(q["cue_lemma"] or q["cue"] or "(none)" for q in quotes)
    speakers = Counter(q["speaker"] or "(no speaker)" for q in quotes)
    per_article = [(titles[a["article_id"]], len(by_article[a["article_id"]])) for a in articles]
    genders = Counter(q["speaker_gender"] for q in quotes if q["speaker_type"] in PEOPLE)  # unknown shown too
    charts = "".join([
        bar_chart("Quotes by type", sorted(types.items())),
        bar_chart("Quotes by cue", cues.most_common(12)),
        bar_chart("Top speakers", speakers.most_common(12)),
        bar_chart("Quotes per article", sorted(per_article, key=lambda kv: -kv[1])[:12]),
        bar_chart("Quotes of people by speaker gender", [(g, genders[g]) for g in ("female", "male", "unknown")]),
    ])
    article_rows = []
    for a in articles:
        counts = Counter(q["quote_type"] for q in by_article[a["article_id"]])
        link = f'<td><a href="articles/{page_name(a["article_id"])}">{esc(clip(titles[a["article_id"]], 100))}</a></td>'
        article_rows.append(f'<tr data-outlet="{esc(a["outlet"])}">{link}' + "".join(cells(
            a["article_id"], a["outlet"], a["published"], len(by_article[a["article_id"]]), counts["direct"],
            counts["indirect"], counts["mixed"], len(rejected[a["article_id"]]))) + "</tr>")
    quote_rows = [quote_row(q, cells(q["speaker"], q["quote_type"], q["cue"], q["rule"], f'{q["confidence"]:.2f}',
                                     " ".join(q["flags"])) + [_article_cell(q, titles)], _quote_link(q)) for q in quotes]
    body = (f'<h1>Quote review</h1><p>{len(articles)} articles, {len(quotes)} quotes. '
            f'<a href="speakers.html">Speaker index</a></p><div class="charts">{charts}</div>'
            '<h2>Articles</h2>'
            + table(["article", "id", "outlet", "published", "quotes", "direct", "indirect", "mixed", "rejected"],
                    article_rows, "outlet")
            + "<h2>Quotes</h2>"
            + table(["quote", "speaker", "type", "cue", "rule", "confidence", "flags", "article"], quote_rows,
                    QUOTE_FACETS))
    return page("Quote review", body)
