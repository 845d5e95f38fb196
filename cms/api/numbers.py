"""The one parser of whole numbers in query strings, shared by every public JSON endpoint and the search page."""

# Past this a number means "very large" whatever its digits (a page far past the end, a size above its maximum).
LARGEST = 10**12


def whole_number(text: str) -> int | None:
    """``text`` as a whole number, or None when it is not written with ASCII digits only.

    Strict where ``int()`` is lenient: no surrounding spaces (``" 5"``), sign, underscore (``"1_0"``)
    or digits of another script (``"٥"``, ``"²"``). A number longer than twelve digits is ``LARGEST``.
    """
    if not text or not (text.isascii() and text.isdigit()):
        return None
    digits = text.lstrip("0") or "0"
    return int(digits) if len(digits) <= 12 else LARGEST
