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


AA_TEXT = 4.5
WHITE = "#ffffff"
# The page backgrounds the primary colour is used on as text colour (links); see theme.css.
SURFACES = (WHITE, "#f4f5f7")
DEFAULT_PRIMARY = "#1f5c99"


def accessible_primary(hex_colour: str) -> str:
    """Darken the chosen colour until it meets WCAG AA (4.5:1) as a background for white text
    and as text on every page surface. The hue is kept; only lightness changes."""
    colour = hex_colour.lower()
    for _step in range(40):
        if all(contrast_ratio(colour, surface) >= AA_TEXT for surface in SURFACES):
            return colour
        colour = _mix(colour, (0, 0, 0), 0.08)
    return DEFAULT_PRIMARY


def theme_tokens(hex_colour: str) -> dict[str, str]:
    """The organisation's colour tokens. Every pair the stylesheet combines meets AA:
    white on primary and on primary-dark, primary on the surfaces, primary-dark on primary-light."""
    primary = accessible_primary(hex_colour)
    light = _mix(primary, (255, 255, 255), 0.9)
    dark = _mix(primary, (0, 0, 0), 0.3)
    for _step in range(20):
        if contrast_ratio(dark, light) >= AA_TEXT:
            break
        dark = _mix(dark, (0, 0, 0), 0.15)
    return {"primary": primary, "primary-dark": dark, "primary-light": light}


def theme_css_for(organisation: Organisation) -> str:
    tokens = theme_tokens(organisation.primary_colour)
    lines = "".join(f"  --vangnet-{name}: {value};\n" for name, value in tokens.items())
    return ".vangnet-theme.vangnet-org {\n" + lines + "}\n"
