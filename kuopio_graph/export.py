"""Export the whole dataset in one serialisation, optionally gzipped."""

from __future__ import annotations

import gzip

from .formats import DATASET_FORMATS, RDF_FORMATS, find
from .store import Store


def export(store: Store, format_name: str, compress: bool = False) -> bytes:
    """Serialise the dataset: triple formats give the merged graph, quad formats every source."""
    content = store.dump(find(RDF_FORMATS + DATASET_FORMATS, format_name))
    # mtime=0 keeps the archive byte-identical for identical data, so checksums are stable.
    return gzip.compress(content, mtime=0) if compress else content
