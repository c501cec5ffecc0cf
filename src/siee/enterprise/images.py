"""Product photos: checked to be images, resized and re-encoded as JPEG without any metadata (EXIF, GPS)."""

from __future__ import annotations

import io

from django.utils.translation import gettext as _

from siee.core.errors import ValidationFailed

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
MAX_SIDE = 1200
MAX_PIXELS = 40_000_000  # refuse decompression bombs before decoding


def clean_photo(data: bytes, *, filename: str = "") -> tuple[bytes, int, int]:
    """(jpeg bytes, width, height) of an uploaded photo, or ValidationFailed on field 'photo'."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    name = f" ({filename})" if filename else ""
    if not data:
        raise ValidationFailed(_("El archivo%(n)s está vacío.") % {"n": name}, field="photo")
    if len(data) > MAX_UPLOAD_BYTES:
        raise ValidationFailed(_("La foto%(n)s pesa %(mb).1f MB; el máximo es %(max)d MB.")
                               % {"n": name, "mb": len(data) / 1048576, "max": MAX_UPLOAD_BYTES // 1048576}, field="photo")
    try:
        with Image.open(io.BytesIO(data)) as probe:
            if probe.width * probe.height > MAX_PIXELS:
                raise ValidationFailed(_("La imagen%(n)s es demasiado grande (%(w)dx%(h)d píxeles).")
                                       % {"n": name, "w": probe.width, "h": probe.height}, field="photo")
            probe.verify()
        with Image.open(io.BytesIO(data)) as img:
            img = ImageOps.exif_transpose(img)  # keep the orientation the camera meant, then drop EXIF
            img = img.convert("RGB")
            img.thumbnail((MAX_SIDE, MAX_SIDE))
            clean = Image.new("RGB", img.size)
            clean.paste(img)
            out = io.BytesIO()
            clean.save(out, format="JPEG", quality=82, optimize=True)
    except ValidationFailed:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise ValidationFailed(_("El archivo%(n)s no es una imagen válida (use JPEG, PNG o WebP).") % {"n": name},
                               field="photo") from None
    return out.getvalue(), clean.width, clean.height
