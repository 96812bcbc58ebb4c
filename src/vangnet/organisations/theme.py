"""Organisation branding: the primary colour becomes design tokens, with readable contrast."""

from __future__ import annotations

from .models import Organisation


def _channels(hex_colour: str) -> tuple[int, int, int]:
    value = hex_colour.lstrip("#")
    return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)


def _relative_luminance(rgb: tuple[int, int, int]) -> float:
    def linear(channel: int) -> float:
        c = channel / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(a: str, b: str) -> float:
    la, lb = sorted((_relative_luminance(_channels(a)), _relative_luminance(_channels(b))),
                    reverse=True)
    return (la + 0.05) / (lb + 0.05)


def _mix(hex_colour: str, towards: tuple[int, int, int], amount: float) -> str:
    rgb = _channels(hex_colour)
    mixed = (round(c + (t - c) * amount) for c, t in zip(rgb, towards, strict=True))
    return "#" + "".join(f"{c:02x}" for c in mixed)


def accessible_primary(hex_colour: str) -> str:
    """Darken the chosen colour until white text on it meets WCAG AA (4.5:1)."""
    colour = hex_colour
    for _step in range(20):
        if contrast_ratio(colour, "#ffffff") >= 4.5:
            return colour
        colour = _mix(colour, (0, 0, 0), 0.1)
    return "#1f5c99"


def theme_css_for(organisation: Organisation) -> str:
    primary = accessible_primary(organisation.primary_colour)
    return (
        ".vangnet-theme.vangnet-org {\n"
        f"  --vangnet-primary: {primary};\n"
        f"  --vangnet-primary-dark: {_mix(primary, (0, 0, 0), 0.3)};\n"
        f"  --vangnet-primary-light: {_mix(primary, (255, 255, 255), 0.9)};\n"
        "}\n"
    )
