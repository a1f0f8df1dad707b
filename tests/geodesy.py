"""Distances on the earth, computed here, to check the engine's ``geof:distance`` against."""

from __future__ import annotations

import math

MEAN_EARTH_RADIUS_KM = 6371.0088
"""The IUGG's mean radius of the earth, (2a + b) / 3 of the WGS84 ellipsoid."""


def haversine_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """The great-circle distance on a sphere of the earth's mean radius."""
    (lat1, lon1), (lat2, lon2) = (map(math.radians, p) for p in (a, b))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * MEAN_EARTH_RADIUS_KM * math.asin(math.sqrt(h))


def geodesic_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """The geodesic distance on the WGS84 ellipsoid, by Vincenty's inverse formula (1975)."""
    major, flattening = 6378137.0, 1 / 298.257223563
    minor = (1 - flattening) * major
    (lat1, lon1), (lat2, lon2) = (map(math.radians, p) for p in (a, b))
    u1 = math.atan((1 - flattening) * math.tan(lat1))
    u2 = math.atan((1 - flattening) * math.tan(lat2))
    longitude = lon2 - lon1
    lam = longitude
    for _ in range(100):
        sin_sigma = math.hypot(
            math.cos(u2) * math.sin(lam),
            math.cos(u1) * math.sin(u2) - math.sin(u1) * math.cos(u2) * math.cos(lam),
        )
        cos_sigma = math.sin(u1) * math.sin(u2) + math.cos(u1) * math.cos(u2) * math.cos(lam)
        sigma = math.atan2(sin_sigma, cos_sigma)
        sin_alpha = math.cos(u1) * math.cos(u2) * math.sin(lam) / sin_sigma
        cos2_alpha = 1 - sin_alpha**2
        cos_2sm = cos_sigma - 2 * math.sin(u1) * math.sin(u2) / cos2_alpha
        c = flattening / 16 * cos2_alpha * (4 + flattening * (4 - 3 * cos2_alpha))
        previous = lam
        lam = longitude + (1 - c) * flattening * sin_alpha * (
            sigma + c * sin_sigma * (cos_2sm + c * cos_sigma * (2 * cos_2sm**2 - 1))
        )
        if abs(lam - previous) < 1e-12:
            break
    u_2 = cos2_alpha * (major**2 - minor**2) / minor**2
    big_a = 1 + u_2 / 16384 * (4096 + u_2 * (-768 + u_2 * (320 - 175 * u_2)))
    big_b = u_2 / 1024 * (256 + u_2 * (-128 + u_2 * (74 - 47 * u_2)))
    delta = (
        big_b
        * sin_sigma
        * (
            cos_2sm
            + big_b
            / 4
            * (
                cos_sigma * (2 * cos_2sm**2 - 1)
                - big_b / 6 * cos_2sm * (4 * sin_sigma**2 - 3) * (4 * cos_2sm**2 - 3)
            )
        )
    )
    return minor * big_a * (sigma - delta) / 1000
