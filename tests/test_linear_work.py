"""The rules' work grows with the article, not with its square: every scan is bounded by its
sentence or a constant window. Counted, not timed: the plain Python source runs on a text that
counts the characters every slice of it copies, at two sizes of the same article."""

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

PROBE = '''
import sys
from quotes.extraction.runner import detect
from quotes.extraction.segment import segment

class CountingText(str):
    """The article text; counts the characters its slices copy."""
    copied = 0

    def __getitem__(self, key):
        piece = str.__getitem__(self, key)
        if isinstance(key, slice):
            CountingText.copied += len(piece)
        return piece

sentence = sys.argv[1]
for repeats in map(int, sys.argv[2:]):
    text = CountingText(sentence * repeats)
    CountingText.copied = 0
    quotes, _ = detect("long", segment(text))
    print(len(quotes), CountingText.copied)
'''


def copied_characters(tmp_path: Path, sentence: str, sizes: list[int]) -> list[tuple[int, int]]:
    """(quotes found, characters copied by slicing) for the sentence repeated each number of times."""
    plain = tmp_path / "plain"  # compiled modules slice str natively, past the counter
    shutil.copytree(ROOT / "quotes", plain / "quotes", ignore=shutil.ignore_patterns("*.so", "__pycache__"))
    out = subprocess.run([sys.executable, "-c", PROBE, sentence, *map(str, sizes)], cwd=plain,
                         env={"PYTHONPATH": str(plain)}, capture_output=True, text=True, check=True).stdout
    return [tuple(map(int, line.split())) for line in out.splitlines()]


def test_an_interrupted_quote_costs_the_same_at_every_length(tmp_path):
    """`X, ông Y nói, Z` repeated: checking each cue for an aside once read the rest of the
    article after the cue, so twice the article cost four times the work."""
    sentence = "Giá xăng, ông Hùng nói, sẽ còn tăng trong tháng tới. "
    (found_small, small), (found_large, large) = copied_characters(tmp_path, sentence, [300, 600])
    assert (found_small, found_large) == (300, 600)
    assert large <= 2.2 * small, f"twice the text copied {large / small:.1f} times the characters"
