"""How far the rules look and how long a phrase may be, each limit named once with its reason.

The numbers come from reading real news: they bound the work per cue (no scan runs to the end
of the article) and keep a clause from being taken for a speaker phrase.
"""

# Words
MIN_INDIRECT_WORDS = 3  # fewer: not a statement (`ông nói thêm`)
SCARE_QUOTE_WORDS = 4  # a quotation this short is a title, a name or a scare quote
MAX_PREFIX_WORDS = 12  # a speaker phrase is tried from its first 12 words down to its first word
MAX_ASIDE_HEAD_WORDS = 6  # the content before `, ông nói,` or `, theo X,` is a short clause opening
MAX_COLON_GAP_WORDS = 6  # words between a speaker and the colon (`Bà Lan, rưng rưng, nói thêm:`)
MAX_DASH_APPOSITION_WORDS = 25  # `bà X - chủ homestay ở bản Lác, Mai Châu:`
MAX_BARE_CLAUSE_WORDS = 10  # where a tense or modal word shows a bare clause after a cue (`khai đã mua`)
MIN_DIRECTIVE_WORDS = 3  # what the one asked is to do, after them (`yêu cầu Ủy ban đổi mới cách làm`)
MAX_MANNER_WORDS = 4  # a manner phrase before a colon (`than thở`, `nói thêm`)
MAX_CUE_OBJECT_WORDS = 3  # a cue's object closing a quotation (`"Q", ông X bày tỏ quan điểm.`)
MAX_APPOSITION_WORDS = 15  # an apposition after a name (`Chính ủy Bộ Tư lệnh TP.HCM`)
MAX_APPOSITIONS = 2  # appositions between a name and its cue
MAX_SOURCE_APPOSITION_WORDS = 15  # `Theo ông X, Giám đốc Sở Y, Q`: the apposition skipped before Q
MAX_DESCRIPTION_WORDS = 6  # `vị tướng này`, `nữ bác sĩ đó`
MAX_EPITHET_WORDS = 15  # `"Q", chiến lược gia 57 tuổi từng giúp ĐT Đức vô địch World Cup 2014 cho hay`
# lower-case words in a row inside a name, past a compound's first (Trung tâm Dự báo khí tượng thủy văn Trung ương)
MAX_LOWER_CASE_RUN = 4
MAX_ROLE_WORDS = 3  # an unlisted role read before a full name (`Tiểu thương`, `nhà thiết kế`)
MAX_ROLE_DESCRIPTION_WORDS = 8  # plain syllables after a title before whose role it is (`Giám đốc quản lý dòng xe của X`)
MAX_BARE_ROLE_DESCRIPTION_WORDS = 2  # ... when nothing says whose role it is (`Giám đốc điều hành`)
MAX_NAME_TOKENS = 5
MAX_TITLE_TOKENS = 10
MAX_NAME_RUN_TOKENS = 8  # capitalised words read backwards from a phrase's end as a name
MAX_CREDIT_WORDS = 16  # words read after a photo credit (`Ảnh: Xuân Tiến`) for its name run

# Characters
# page furniture is a short line (a credit, a menu, a link); a longer one holds the article's prose
# (`Ảnh: AP` then a whole paragraph, where paragraphs were merged)
MAX_FURNITURE_CHARS = 200
MAX_MENTION_CHARS = 160  # a longer phrase is a clause, not a speaker; also how far a name run is read
THEO_LOOKBACK_CHARS = 8  # `Theo dự báo`: a cue word right after `theo` is a noun
INTRODUCED_LOOKBACK_CHARS = 40  # a quotation mark introduced by the words just before it

# Counts
QUOTE_LOOKBACK = 50  # quotes looked at, backwards, for the last one with a speaker
MAX_NAME_RUN_ENDS = 7  # capitalised runs after a title tried as the end of a name
ENTITY_SEARCH_LIMIT = 500  # mentions walked from a position to find an antecedent
