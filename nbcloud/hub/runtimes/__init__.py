"""Runtimes: the sandboxed machines behind notebooks (see DESIGN.md, "runtimes")."""

from .backend import (
    CrashInfo,
    GpuUsage,
    Isolation,
    ResourceUsage,
    Runtime,
    RuntimeBackend,
    RuntimeBackendError,
    RuntimeSpec,
    RuntimeStartError,
    SandboxUnavailable,
    oom_message,
)

__all__ = [
    "CrashInfo", "GpuUsage", "Isolation", "ResourceUsage", "Runtime", "RuntimeBackend",
    "RuntimeBackendError", "RuntimeSpec", "RuntimeStartError", "SandboxUnavailable", "oom_message",
]
