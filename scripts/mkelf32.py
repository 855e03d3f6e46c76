#!/usr/bin/env python3
"""mkelf32.py IN.elf64 OUT.elf32: wrap an x86_64 hypervisor image in ELF32.

QEMU's `-kernel` loads a Multiboot1 kernel only from an ELF32 file (it
refuses ELF64 unless the a.out kludge is used), and a 32-bit entry is what
both Multiboot loaders call anyway. Like Xen's mkelf32, this copies every
PT_LOAD segment of the 64-bit image into an ELF32 file whose program headers
carry the segments' physical (load) addresses as both p_paddr and p_vaddr,
and whose e_entry is the physical address of the 64-bit e_entry (the
segment's virtual-to-physical offset applied). Section headers are not
copied: loaders need none. The multiboot headers stay in the file's first
8 KiB (Multiboot1) / 32 KiB (Multiboot2) because the first segment starts
at file offset 0x100 and the linker script puts them first.

Refuses (exit status 1, message on stderr) anything it cannot represent:
not an x86_64 ELF64, no PT_LOAD, a segment above 4 GiB physical, an entry
outside the loaded segments, overlapping segments. No dependencies.
"""
import struct
import sys

DATA_OFFSET = 0x100


def fail(msg):
    sys.stderr.write(f"mkelf32: {msg}\n")
    sys.exit(1)


def main(argv):
    if len(argv) != 3:
        fail("usage: mkelf32.py IN.elf64 OUT.elf32")
    with open(argv[1], "rb") as f:
        data = f.read()
    if len(data) < 64 or data[:4] != b"\x7fELF":
        fail(f"{argv[1]}: not an ELF file")
    if data[4] != 2 or data[5] != 1:
        fail(f"{argv[1]}: not a little-endian ELF64 file")
    (e_type, e_machine, _, e_entry, e_phoff, _, _, _, e_phentsize,
     e_phnum) = struct.unpack_from("<HHIQQQIHHH", data, 16)
    if e_machine != 62:
        fail(f"{argv[1]}: not an x86_64 image (e_machine {e_machine})")
    if e_phentsize != 56 or e_phoff + e_phnum * 56 > len(data):
        fail(f"{argv[1]}: bad program header table")

    segs = []
    for i in range(e_phnum):
        (p_type, p_flags, p_offset, p_vaddr, p_paddr, p_filesz, p_memsz,
         _) = struct.unpack_from("<IIQQQQQQ", data, e_phoff + i * 56)
        if p_type != 1:
            continue
        if p_filesz > p_memsz or p_offset + p_filesz > len(data):
            fail(f"segment {i}: sizes out of the file")
        if p_paddr + p_memsz > 1 << 32:
            fail(f"segment {i}: physical {p_paddr:#x}+{p_memsz:#x} "
                 "is above 4 GiB")
        segs.append((p_paddr, p_vaddr, p_flags, p_memsz,
                     data[p_offset:p_offset + p_filesz]))
    if not segs:
        fail("no PT_LOAD segment")
    segs.sort()
    for a, b in zip(segs, segs[1:]):
        if a[0] + a[3] > b[0]:
            fail(f"segments at {a[0]:#x} and {b[0]:#x} overlap")

    entry = None
    for paddr, vaddr, _, memsz, _ in segs:
        if vaddr <= e_entry < vaddr + memsz:
            entry = e_entry - vaddr + paddr
    if entry is None:
        fail(f"entry {e_entry:#x} is in no loaded segment")

    phnum = len(segs)
    out = bytearray()
    offset = max(DATA_OFFSET, 52 + 32 * phnum)
    offset = (offset + 15) & ~15
    phdrs = bytearray()
    body = bytearray()
    for paddr, _, flags, memsz, blob in segs:
        pos = offset + len(body)
        phdrs += struct.pack("<IIIIIIII", 1, pos, paddr, paddr, len(blob),
                             memsz, flags, 16)
        body += blob
        body += b"\0" * (-len(body) % 16)
    ident = b"\x7fELF" + bytes([1, 1, 1]) + b"\0" * 9
    out += ident + struct.pack("<HHIIIIIHHHHHH", 2, 3, 1, entry, 52, 0, 0,
                               52, 32, phnum, 40, 0, 0)
    out += phdrs
    out += b"\0" * (offset - len(out))
    out += body
    with open(argv[2], "wb") as f:
        f.write(out)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
