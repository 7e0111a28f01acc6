"""The seccomp filter against new namespaces (runtimes.seccomp), run as the kernel would run it
on single system calls of every ABI it checks. Stories in a real sandbox are in
tests/security/test_runtime_network.py."""

from __future__ import annotations

import errno

import pytest

from nbcloud.hub.runtimes import seccomp as sc

ALLOW = sc.RET_ALLOW
EPERM = sc.errno_ret(errno.EPERM)
ENOSYS = sc.errno_ret(errno.ENOSYS)

# What glibc passes for a thread and for fork/posix_spawn.
THREAD_FLAGS = 0x3D0F00  # CLONE_VM|FS|FILES|SIGHAND|THREAD|SYSVSEM|SETTLS|PARENT_SETTID|CHILD_CLEARTID
FORK_FLAGS = 0x01200011  # CLONE_CHILD_SETTID|CHILD_CLEARTID|SIGCHLD
VFORK_FLAGS = 0x4111  # CLONE_VM|CLONE_VFORK|SIGCHLD
CLONE_NEWUSER = 0x10000000
CLONE_NEWNET = 0x40000000
CLONE_NEWNS = 0x00020000
CLONE_FILES = 0x400

ALL_ABIS = (sc.X86_64, sc.I386, sc.AARCH64, sc.ARM)


def program_for(abi: sc.Abi) -> bytes:
    return sc.build_filter("x86_64" if abi in (sc.X86_64, sc.I386) else "aarch64")


@pytest.mark.parametrize("abi", ALL_ABIS, ids=lambda a: a.name)
def test_threads_processes_and_everyday_calls_are_allowed(abi):
    prog = program_for(abi)
    for flags in (THREAD_FLAGS, FORK_FLAGS, VFORK_FLAGS):
        assert sc.evaluate(prog, abi.clone, abi.audit_arch, (flags,)) == ALLOW
    assert sc.evaluate(prog, 0, abi.audit_arch) == ALLOW  # read / io_setup
    assert sc.evaluate(prog, 1, abi.audit_arch) == ALLOW
    assert sc.evaluate(prog, abi.unshare, abi.audit_arch, (CLONE_FILES,)) == ALLOW  # not a namespace


@pytest.mark.parametrize("abi", ALL_ABIS, ids=lambda a: a.name)
def test_new_namespaces_and_entering_others_are_refused(abi):
    prog = program_for(abi)
    for flags in (CLONE_NEWUSER, CLONE_NEWNET, CLONE_NEWNS, CLONE_NEWUSER | CLONE_NEWNET, 0x80):
        assert sc.evaluate(prog, abi.unshare, abi.audit_arch, (flags,)) == EPERM
    for flags in (CLONE_NEWUSER | FORK_FLAGS, CLONE_NEWNET | FORK_FLAGS, CLONE_NEWNS | VFORK_FLAGS):
        assert sc.evaluate(prog, abi.clone, abi.audit_arch, (flags,)) == EPERM
    # The high word of the flags argument does not hide the low one.
    assert sc.evaluate(prog, abi.clone, abi.audit_arch, ((1 << 32) | CLONE_NEWUSER,)) == EPERM
    assert sc.evaluate(prog, abi.setns, abi.audit_arch, (3, 0)) == EPERM
    # clone3's flags are in memory seccomp cannot read: ENOSYS, so libc falls back to clone.
    assert sc.evaluate(prog, abi.clone3, abi.audit_arch) == ENOSYS


def test_the_x32_abi_cannot_be_used_to_get_around_the_filter():
    prog = sc.build_filter("x86_64")
    x32_unshare = sc.X32_SYSCALL_BIT | 272
    assert sc.evaluate(prog, x32_unshare, sc.X86_64.audit_arch, (CLONE_NEWUSER,)) == EPERM


def test_an_abi_the_machine_does_not_run_is_refused_outright():
    prog = sc.build_filter("x86_64")
    assert sc.evaluate(prog, 0, sc.AARCH64.audit_arch) == ENOSYS


def test_an_unsupported_architecture_says_which_ones_are():
    with pytest.raises(sc.SeccompUnsupported, match="x86_64, aarch64"):
        sc.build_filter("riscv64")
    assert not sc.supported("riscv64") and sc.supported("x86_64") and sc.supported("aarch64")


def test_the_filter_is_handed_to_bwrap_through_a_readable_fd():
    import os

    prog = sc.build_filter()
    fd = sc.filter_fd(prog)
    try:
        assert os.read(fd, len(prog) + 10) == prog and os.get_inheritable(fd)
    finally:
        os.close(fd)
