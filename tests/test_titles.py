"""Speaker titles as the tables show them: a role, never a clause, never garbage."""

from pathlib import Path

import pandas as pd
import pytest

from quotes.extraction.mentions import as_title

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("phrase,title", [
    ("Giám đốc Bệnh viện Chợ Rẫy cho biết", "Giám đốc Bệnh viện Chợ Rẫy"),  # ran on into the cue
    ("Phó chủ tịch UBND huyện Tuy Phước cho rằng mưa lớn đã làm", "Phó chủ tịch UBND huyện Tuy Phước"),
    ("Hiệu trưởng Trường THCS Lê Lợi, nhấn mạnh", "Hiệu trưởng Trường THCS Lê Lợi"),
    ("Viện trưởng Viện Dự báo Khí tượng", "Viện trưởng Viện Dự báo Khí tượng"),  # a capitalised cue is a name
    ("Trưởng ban Quản lý khai thác cảng cá", "Trưởng ban Quản lý khai thác cảng cá"),  # a cue that is also a noun
    ("Người phát ngôn Bộ Tài chính", "Người phát ngôn Bộ Tài chính"),
    ("Chánh văn phòng Sở GD&ĐT TP.HCM", "Chánh văn phòng Sở GD&ĐT TP.HCM"),
    ("chuyên gia (Đại học Huế)", "chuyên gia (Đại học Huế)"),
    ("phân tích", None),  # only a cue
    ("thư ký t%E1%BB%8Da so%3n", None),  # a broken page
    ("", ""),
    (None, None),
])
def test_a_title_is_a_role(phrase, title):
    assert as_title(phrase) == title


def test_the_committed_release_holds_only_clean_titles():
    titles = pd.read_parquet(ROOT / "data" / "quotes.parquet").speaker_title.dropna()
    assert all(as_title(t) == t for t in titles)
