"""The site's icon: an ICO at /favicon.ico and its SVG, both kept by clients for long."""

from __future__ import annotations

import struct
import xml.etree.ElementTree as ET

import pytest
from flask.testing import FlaskClient
from web_helpers import png_size


def icon_images(data: bytes) -> list[tuple[int, bytes]]:
    """The images of an ICO file, each with its width, as its directory lists them."""
    reserved, kind, count = struct.unpack("<HHH", data[:6])
    assert (reserved, kind) == (0, 1), "not an ICO file"
    images = []
    for index in range(count):
        entry = data[6 + 16 * index : 22 + 16 * index]
        width, height, _, _, _, _, size, offset = struct.unpack("<BBBBHHII", entry)
        assert width == height
        images.append((width or 256, data[offset : offset + size]))
    return images


def test_ico_holds_the_icon_at_three_sizes(client: FlaskClient) -> None:
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response.mimetype == "image/vnd.microsoft.icon"
    images = icon_images(response.data)
    assert [width for width, _ in images] == [16, 32, 48]
    for width, image in images:
        assert png_size(image) == (width, width)


def test_svg_is_a_square_drawing(client: FlaskClient) -> None:
    response = client.get("/favicon.svg")
    assert response.status_code == 200
    assert response.mimetype == "image/svg+xml"
    root = ET.fromstring(response.data)  # noqa: S314 - the app's own file
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert root.get("viewBox") == "0 0 32 32"


@pytest.mark.parametrize("path", ["/favicon.ico", "/favicon.svg"])
def test_icons_are_kept_for_thirty_days_and_revalidated(client: FlaskClient, path: str) -> None:
    response = client.get(path)
    assert response.cache_control.public
    assert response.cache_control.max_age == 30 * 24 * 60 * 60
    again = client.get(path, headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304


def test_every_page_names_both_icons(client: FlaskClient) -> None:
    page = client.get("/", headers={"Accept": "text/html"}).get_data(as_text=True)
    assert '<link rel="icon" href="/favicon.ico" sizes="any">' in page
    assert '<link rel="icon" href="/favicon.svg" type="image/svg+xml">' in page
