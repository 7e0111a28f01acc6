"""A seccomp filter that keeps code in a runtime from making namespaces of its own.

A root hub runs bubblewrap privileged (``bwrap-setpriv`` mode), with no user namespace around
the sandbox, so bwrap's ``--disable-userns`` is not available there. Without a filter, code in
a cell could ``unshare -r`` (a user namespace in which it is "root"), and from there make mount
and network namespaces: a lot of kernel surface, and a way around what the sandbox set up.

The filter is a classic BPF program handed to bwrap with ``--seccomp FD``; bwrap loads it just
before it runs the kernel's command, so it holds for every process of the runtime:

* ``unshare`` with any ``CLONE_NEW*`` flag and every ``setns``: EPERM (what a program sees when
  it lacks the privilege, so tools print a sensible message);
* ``clone`` with any ``CLONE_NEW*`` flag: EPERM; threads, ``fork``, ``subprocess`` and
  ``multiprocessing`` use ``clone`` without those flags and keep working;
* ``clone3``: ENOSYS. Its flags live in a struct in memory, which seccomp cannot read; libc
  takes ENOSYS to mean "old kernel" and falls back to ``clone``, which the filter can check.

It checks the architecture of every system call (x86_64 with its i386 and x32 ABIs, aarch64
with its 32-bit arm ABI): a system call number means different calls on different ABIs, and a
program could otherwise pick the ABI whose numbers the filter does not check.
"""

from __future__ import annotations

import errno
import os
import platform
import struct
from dataclasses import dataclass

# Classic BPF opcodes (linux/bpf_common.h) and seccomp return values (linux/seccomp.h).
BPF_LD_W_ABS = 0x20
BPF_JEQ_K = 0x15
BPF_JGE_K = 0x35
BPF_JSET_K = 0x45
BPF_RET_K = 0x06

RET_ALLOW = 0x7FFF0000
RET_ERRNO = 0x00050000

# struct seccomp_data: int nr; __u32 arch; __u64 instruction_pointer; __u64 args[6].
OFFSET_NR = 0
OFFSET_ARCH = 4
OFFSET_ARG0_LOW = 16  # the flags argument's low 32 bits (little-endian on every ABI below)

# CLONE_NEWNS, NEWCGROUP, NEWUTS, NEWIPC, NEWUSER, NEWPID, NEWNET.
CLONE_NEW_FLAGS = 0x00020000 | 0x02000000 | 0x04000000 | 0x08000000 | 0x10000000 | 0x20000000 | 0x40000000
# CLONE_NEWTIME is 0x80: unshare takes it; in clone's flags that bit belongs to the exit signal.
CLONE_NEWTIME = 0x00000080

X32_SYSCALL_BIT = 0x40000000


class SeccompUnsupported(Exception):
    """This machine's architecture has no syscall table here; the filter cannot be built."""


@dataclass(frozen=True)
class Abi:
    name: str
    audit_arch: int  # AUDIT_ARCH_* (linux/audit.h)
    clone: int
    unshare: int
    setns: int
    clone3: int = 435  # the same number on every ABI here
    x32: bool = False  # x86_64: numbers with X32_SYSCALL_BIT set are the x32 ABI's


X86_64 = Abi("x86_64", 0xC000003E, clone=56, unshare=272, setns=308, x32=True)
I386 = Abi("i386", 0x40000003, clone=120, unshare=310, setns=346)
AARCH64 = Abi("aarch64", 0xC00000B7, clone=220, unshare=97, setns=268)
ARM = Abi("arm", 0x40000028, clone=120, unshare=337, setns=375)

# A machine's native ABI and the compat ABIs its kernel may also run.
ABIS_BY_MACHINE = {
    "x86_64": (X86_64, I386),
    "amd64": (X86_64, I386),
    "aarch64": (AARCH64, ARM),
    "arm64": (AARCH64, ARM),
}


def supported(machine: str | None = None) -> bool:
    return (machine or platform.machine()).lower() in ABIS_BY_MACHINE


class _Assembler:
    """Classic BPF with forward jumps to named labels (resolved at the end)."""

    def __init__(self) -> None:
        self.code: list[tuple[int, int | str, int | str, int]] = []
        self.labels: dict[str, int] = {}

    def load(self, offset: int) -> None:
        self.code.append((BPF_LD_W_ABS, 0, 0, offset))

    def jump(self, op: int, k: int, if_true: int | str, if_false: int | str = 0) -> None:
        self.code.append((op, if_true, if_false, k))

    def ret(self, value: int) -> None:
        self.code.append((BPF_RET_K, 0, 0, value))

    def label(self, name: str) -> None:
        self.labels[name] = len(self.code)

    def program(self) -> bytes:
        out = bytearray()
        for pc, (op, jt, jf, k) in enumerate(self.code):
            jt_off = self._offset(pc, jt)
            jf_off = self._offset(pc, jf)
            out += struct.pack("=HBBI", op, jt_off, jf_off, k)
        return bytes(out)

    def _offset(self, pc: int, target: int | str) -> int:
        if isinstance(target, int):
            return target
        offset = self.labels[target] - pc - 1
        if not 0 <= offset <= 255:
            raise ValueError(f"jump to {target} out of range ({offset})")
        return offset


def errno_ret(code: int) -> int:
    return RET_ERRNO | (code & 0xFFFF)


def build_filter(machine: str | None = None) -> bytes:
    """The filter for this machine, as bwrap's ``--seccomp`` reads it (struct sock_filter[])."""
    machine = (machine or platform.machine()).lower()
    abis = ABIS_BY_MACHINE.get(machine)
    if abis is None:
        raise SeccompUnsupported(f"no seccomp filter for the {machine} architecture (supported: x86_64, aarch64)")
    asm = _Assembler()
    asm.load(OFFSET_ARCH)
    for abi in abis:
        asm.jump(BPF_JEQ_K, abi.audit_arch, f"{abi.name}")
    asm.ret(errno_ret(errno.ENOSYS))  # an ABI this kernel should not even run: refuse everything
    for abi in abis:
        asm.label(abi.name)
        asm.load(OFFSET_NR)
        if abi.x32:
            asm.jump(BPF_JGE_K, X32_SYSCALL_BIT, "eperm")
        asm.jump(BPF_JEQ_K, abi.clone3, "enosys")
        asm.jump(BPF_JEQ_K, abi.setns, "eperm")
        asm.jump(BPF_JEQ_K, abi.unshare, "unshare")
        asm.jump(BPF_JEQ_K, abi.clone, "clone")
        asm.ret(RET_ALLOW)
    asm.label("unshare")
    asm.load(OFFSET_ARG0_LOW)
    asm.jump(BPF_JSET_K, CLONE_NEW_FLAGS | CLONE_NEWTIME, "eperm")
    asm.ret(RET_ALLOW)
    asm.label("clone")
    asm.load(OFFSET_ARG0_LOW)
    asm.jump(BPF_JSET_K, CLONE_NEW_FLAGS, "eperm")
    asm.ret(RET_ALLOW)
    asm.label("eperm")
    asm.ret(errno_ret(errno.EPERM))
    asm.label("enosys")
    asm.ret(errno_ret(errno.ENOSYS))
    return asm.program()


def filter_fd(program: bytes) -> int:
    """A readable fd holding ``program`` (for ``bwrap --seccomp FD``), inheritable; the caller
    closes it once bwrap started. A memfd: no size limit as with a pipe, nothing on disk."""
    fd = os.memfd_create("nbcloud-seccomp", os.MFD_CLOEXEC)
    try:
        os.write(fd, program)
        os.lseek(fd, 0, os.SEEK_SET)
        os.set_inheritable(fd, True)
    except BaseException:
        os.close(fd)
        raise
    return fd


def evaluate(program: bytes, nr: int, arch: int, args: tuple[int, ...] = ()) -> int:
    """Runs ``program`` on one system call, as the kernel would (for tests and diagnostics)."""
    data = struct.pack("=iIQ6Q", nr, arch, 0, *(list(args) + [0] * (6 - len(args))))
    insns = [struct.unpack_from("=HBBI", program, i) for i in range(0, len(program), 8)]
    acc = 0
    pc = 0
    while True:
        op, jt, jf, k = insns[pc]
        if op == BPF_LD_W_ABS:
            acc = struct.unpack_from("=I", data, k)[0]
            pc += 1
        elif op == BPF_RET_K:
            return int(k)
        elif op in (BPF_JEQ_K, BPF_JGE_K, BPF_JSET_K):
            hit = acc == k if op == BPF_JEQ_K else acc >= k if op == BPF_JGE_K else bool(acc & k)
            pc += 1 + (jt if hit else jf)
        else:
            raise ValueError(f"unknown BPF opcode {op:#x} at {pc}")
