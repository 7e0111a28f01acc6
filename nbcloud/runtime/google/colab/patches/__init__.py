"""Replacements for calls that open windows, which a notebook cannot do."""

from __future__ import annotations


def cv2_imshow(a) -> None:
    """Show an OpenCV image (BGR or BGRA, or greyscale) in the cell's output, instead of cv2.imshow."""
    import cv2
    import numpy as np
    from IPython.display import Image, display

    a = np.asarray(a)
    if a.dtype != np.uint8:
        a = np.clip(a, 0, 255).astype("uint8")
    ok, png = cv2.imencode(".png", a)  # OpenCV's own channel order: no conversion needed
    if not ok:
        raise ValueError("cv2 could not encode this array as an image; pass an HxW, HxWx3 or HxWx4 array.")
    display(Image(data=png.tobytes(), format="png"))
