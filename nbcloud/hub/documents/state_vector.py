"""Y state vectors (which clock of each client a document has seen) as Python dicts."""

from __future__ import annotations


def decode_state_vector(data: bytes) -> dict[int, int]:
    """A Y state vector (lib0: a count, then client and clock pairs, all var-uints) as a dict.
    Raises ValueError on bytes that are not one."""
    values: list[int] = []
    value = shift = 0
    for byte in data:
        value |= (byte & 0x7F) << shift
        if byte & 0x80:
            shift += 7
            if shift > 63:
                raise ValueError("not a state vector")
            continue
        values.append(value)
        value = shift = 0
    if shift or not values or len(values) != 1 + 2 * values[0]:
        raise ValueError("not a state vector")
    return {values[1 + 2 * i]: values[2 + 2 * i] for i in range(values[0])}
