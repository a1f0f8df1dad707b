"""What the app holds while it serves: the served dataset (the library's), the clients'
budgets and the names of the W3C terms pages show, built once in :func:`webapp.create_app`."""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources

from flask import current_app, request

from kuopio_graph import ServedDataset, term_labels

from .budget import Budgets

EXTENSION_KEY = "kuopio_graph"
DISPLAY_LABELS = resources.files(__package__) / "labels.ttl"
"""Labels of the W3C terms the data uses, for pages (they are not part of the dataset)."""


@dataclass(frozen=True)
class AppState:
    """The app's state, shared by its threads."""

    served: ServedDataset
    budgets: Budgets
    display_labels: dict[str, dict[str, str]]

    @classmethod
    def build(cls, served: ServedDataset) -> AppState:
        """The state of an app serving ``served``; its budgets live in the dataset's scratch
        folder, which every process of the service shares."""
        settings = served.settings
        return cls(
            served=served,
            budgets=Budgets(
                settings.query_budget, settings.error_budget, served.scratch / "budgets.sqlite"
            ),
            display_labels=term_labels(DISPLAY_LABELS.read_bytes()),
        )


def app_state() -> AppState:
    """The state of the current app."""
    state = current_app.extensions[EXTENSION_KEY]
    if not isinstance(state, AppState):
        raise TypeError("the app holds no state")
    return state


def served() -> ServedDataset:
    """The dataset the current app serves."""
    return app_state().served


def service_root() -> str:
    """The URL at which clients reach the service, ending in '/': the configured public URL,
    else the one this request came in on."""
    return served().settings.public_url or request.url_root
