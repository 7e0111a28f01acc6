"""PLACEHOLDER: replaced by the drive implementation."""

from fastapi import APIRouter

router = APIRouter(prefix="/api/drive", tags=["drive"])
