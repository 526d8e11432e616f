"""Bar charts drawn on the server as SVG (issue 10, W3): no script, nothing loaded from
outside; the page's CSS colours them, for screen and print."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

WIDTH, HEIGHT = 720, 220
LEFT, BOTTOM, TOP = 40, 24, 10


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    value: int
    label: str
    alt: bool = False


@dataclass(frozen=True)
class Chart:
    title: str
    bars: list[Bar]
    labels: list[tuple[float, str]]  # x, text under the axis
    top: int  # the value at the top of the scale
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    baseline: int = HEIGHT - BOTTOM


def bar_chart(
    title: str, labels: Sequence[str], series: Sequence[Sequence[int]], every: int = 1
) -> Chart:
    """One group of bars per label, one bar per series; every `every`th label is written."""
    top = max([1, *(value for values in series for value in values)])
    plot_height = HEIGHT - BOTTOM - TOP
    slot = (WIDTH - LEFT) / max(len(labels), 1)
    width = max(slot * 0.8 / max(len(series), 1), 1)
    bars, texts = [], []
    for i, label in enumerate(labels):
        x0 = LEFT + i * slot + slot * 0.1
        for j, values in enumerate(series):
            value = values[i]
            height = plot_height * value / top
            bars.append(
                Bar(
                    x=round(x0 + j * width, 1),
                    y=round(HEIGHT - BOTTOM - height, 1),
                    width=round(width, 1),
                    height=round(height, 1),
                    value=value,
                    label=label,
                    alt=j > 0,
                )
            )
        if i % every == 0:
            texts.append((round(LEFT + i * slot + slot / 2, 1), label))
    return Chart(title=title, bars=bars, labels=texts, top=top)
