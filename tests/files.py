"""Writing fixture files for tests."""

from pathlib import Path


def write(path: Path, content: str | bytes) -> Path:
    """Write ``content`` (text as UTF-8) to ``path``, creating its folders; return the path."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path
