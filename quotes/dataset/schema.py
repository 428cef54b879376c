"""The dataset's tables, each with one explicit Arrow schema: every column's name, type,
nullability and description (written into the Parquet files and the release's datapackage.json).
"""

from __future__ import annotations

import pyarrow as pa

# Text columns that are never null but may be empty (the input gave no url, no outlet ...).
MAY_BE_EMPTY = frozenset({"title", "text", "source", "url", "outlet", "published", "status_reason", "quote_cluster"})


def col(name: str, type_: pa.DataType, description: str, nullable: bool = True) -> pa.Field:
    return pa.field(name, type_, nullable=nullable, metadata={"description": description})


QUOTES_SCHEMA = pa.schema([
    col("quote_id", pa.string(), "Stable id: a hash of article_id, start and end", False),
    col("article_id", pa.string(), "The article the quote is from (articles.article_id)", False),
    col("quote", pa.string(), "The quote: text[start:end] of the article's normalised text", False),
    col("quote_type", pa.string(),
        "direct (inside quote marks), indirect (reported clause) or mixed (reported clause with quoted fragments)", False),
    col("start", pa.int32(), "Start offset (inclusive) into articles.text", False),
    col("end", pa.int32(), "End offset (exclusive) into articles.text", False),
    col("cue", pa.string(), "The speech verb or phrase as written (nói thêm, cho biết, theo, :)"),
    col("cue_lemma", pa.string(), "The cue's lemma from the cue lexicon (nói, cho biết)"),
    col("cue_start", pa.int32(), "Start offset of the cue"),
    col("cue_end", pa.int32(), "End offset of the cue"),
    col("speaker_mention", pa.string(), "The speaker as written (ông, Ngoại trưởng, bà Sheran)"),
    col("speaker_start", pa.int32(), "Start offset of the speaker mention"),
    col("speaker_end", pa.int32(), "End offset of the speaker mention"),
    col("speaker", pa.string(), "Canonical speaker within the article; null when nothing in the text supports a link"),
    col("speaker_id", pa.string(), "Joins one speaker across articles (speakers.speaker_id)"),
    col("speaker_type", pa.string(), "person, organization, group or unnamed"),
    col("speaker_title", pa.string(), "The role given with the mention or in apposition (Tổng thư ký NATO)"),
    col("speaker_gender", pa.string(), "female, male or unknown, from what the article says of the speaker", False),
    col("gender_evidence", pa.string(),
        "Why: honorific, pronoun, kin, title, name (a middle name that says it: Thị, Văn; a given name of a reviewed list, "
        "Vietnamese or foreign); or conflict, not_a_person, none", False),
    col("attribution", pa.string(), "How the speaker was linked: explicit, surname, title, title_only, pronoun, description, "
        "fuzzy, shared_subject, floating, unresolved"),
    col("paragraph", pa.int32(), "Paragraph index in the article", False),
    col("sentence", pa.int32(), "Sentence index in the article", False),
    col("rule", pa.string(), "The detector rule that produced the row", False),
    col("confidence", pa.float32(), "How often such a quote is right on gold (calibrated by rule and speaker link)", False),
    col("flags", pa.list_(pa.string()), "mismatched_marks, unclosed, nested, caption, headline, shared_subject", False),
    col("parent_quote_id", pa.string(), "The enclosing quote, for a quote inside another quote"),
    col("quote_cluster", pa.string(),
        "The same quote text (case, tone placement and spacing aside) in any article has the same cluster id", False),
    col("occurrences", pa.int32(), "How many quotes in the dataset share this quote_cluster", False),
    col("split", pa.string(), "train, dev or test, assigned by article (never two splits for one article)", False),
])

ARTICLES_SCHEMA = pa.schema([
    col("article_id", pa.string(), "The article's id (file stem or input id)", False),
    col("title", pa.string(), "The headline", False),
    col("text", pa.string(), "The normalised text that every offset indexes", False),
    col("source", pa.string(), "The input file the article was read from (a name, never an absolute path)", False),
    col("url", pa.string(), "URL, when the input gives one", False),
    col("outlet", pa.string(), "Outlet, when the input gives one", False),
    col("published", pa.string(), "Publication date as given by the input", False),
    col("normalise_steps", pa.list_(pa.string()), "The normalisation fixes that changed the text", False),
    col("status", pa.string(),
        "ok, or why the article has no quotes: empty, undecodable, too_large, malformed, unreadable, duplicate", False),
    col("status_reason", pa.string(), "What was wrong, naming the file and line where there is one", False),
    col("split", pa.string(), "train, dev or test", False),
])

SPEAKERS_SCHEMA = pa.schema([
    col("speaker_id", pa.string(), "The speaker's id (quotes.speaker_id)", False),
    col("speaker", pa.string(), "The most frequent canonical name", False),
    col("speaker_type", pa.string(), "person, organization, group or unnamed", False),
    col("quotes", pa.int32(), "Number of quotes attributed to the speaker", False),
    col("articles", pa.int32(), "Number of articles quoting the speaker", False),
    col("names", pa.list_(pa.string()), "Every canonical name seen for the speaker", False),
    col("titles", pa.list_(pa.string()), "Every title seen with the speaker", False),
    col("speaker_gender", pa.string(), "female or male when most of the speaker's quotes with a known gender say so, else unknown", False),
    col("quotes_female", pa.int32(), "Quotes of this speaker whose article shows them as female", False),
    col("quotes_male", pa.int32(), "Quotes of this speaker whose article shows them as male", False),
    col("quotes_gender_unknown", pa.int32(), "Quotes of this speaker whose article does not show a gender", False),
])

REJECTED_SCHEMA = pa.schema([
    col("article_id", pa.string(), "The article", False),
    col("start", pa.int32(), "Start offset of the rejected candidate", False),
    col("end", pa.int32(), "End offset of the rejected candidate", False),
    col("text", pa.string(), "text[start:end]", False),
    col("reason", pa.string(), "Why it is not a quote (scare_quote_or_name, theo_not_a_source, idiom, ...)", False),
    col("rule", pa.string(), "The detector stage that rejected it", False),
])


# Records become Arrow columns one column at a time (one pass over the records per column):
# several times faster than making a dict per row and gathering the columns back out of them.
