#!/usr/bin/env python3
"""Write the seed corpora for the libhv-net fuzz targets (run from here)."""
import os
import struct


def csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def mac(n):
    return bytes([2, 0, 0, 0, 0, n])


BC = b"\xff" * 6


def eth(dst, src, typ, vid=None):
    if vid is None:
        return dst + src + struct.pack("!H", typ)
    return dst + src + struct.pack("!HHH", 0x8100, vid, typ)


def ipv4(src, dst, proto, payload):
    h = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), 0, 0, 64,
                    proto, 0, bytes(src), bytes(dst))
    h = h[:10] + struct.pack("!H", csum(h)) + h[12:]
    return h + payload


def udp(sp, dp, payload):
    return struct.pack("!HHHH", sp, dp, 8 + len(payload), 0) + payload


def tcp(sp, dp):
    return struct.pack("!HHIIBBHHH", sp, dp, 1, 0, 5 << 4, 2, 1024, 0, 0)


def arp(op, sha, spa, tha, tpa):
    return struct.pack("!HHBBH", 1, 0x0800, 6, 4, op) + sha + bytes(spa) + \
        tha + bytes(tpa)


def dhcp(mtype, opts=b""):
    m = bytearray(240)
    m[0:4] = b"\x01\x01\x06\x00"
    m[4:8] = b"\x39\x03\xf3\x26"
    m[28:34] = mac(0)
    m[236:240] = b"\x63\x82\x53\x63"
    return bytes(m) + bytes([53, 1, mtype]) + opts + b"\xff"


def rec(frame):
    return struct.pack("!H", len(frame)) + frame


G0, G1, SW = [10, 0, 0, 10], [10, 0, 0, 11], [10, 0, 0, 1]
frames = {
    "udp": eth(mac(1), mac(0), 0x0800) +
    ipv4(G0, G1, 17, udp(1000, 53, b"x" * 18)),
    "tcp23": eth(mac(1), mac(0), 0x0800) + ipv4(G0, G1, 6, tcp(999, 23)),
    "arp_sw": eth(BC, mac(0), 0x0806) + arp(1, mac(0), G0, bytes(6), SW),
    "arp_proxy": eth(BC, mac(0), 0x0806) + arp(1, mac(0), G0, bytes(6), G1),
    "dhcp_discover": eth(BC, mac(0), 0x0800) + ipv4(
        [0, 0, 0, 0], [255] * 4, 17, udp(68, 67, dhcp(1))),
    "dhcp_request": eth(BC, mac(0), 0x0800) + ipv4(
        [0, 0, 0, 0], [255] * 4, 17,
        udp(68, 67, dhcp(3, bytes([50, 4] + G0 + [54, 4] + SW)))),
    "tagged": eth(BC, bytes([0, 0xaa, 0, 0, 0, 1]), 0x88B5, 2) + b"\xab" * 46,
    "bcast": eth(BC, mac(0), 0x88B5) + b"\xcd" * 46,
}
os.makedirs("corpus/frame", exist_ok=True)
for name, fr in frames.items():
    for port in (0, 4):
        with open("corpus/frame/%s_p%d" % (name, port), "wb") as f:
            f.write(bytes([port, 1 | (0x80 if "dhcp" in name else 0)]) +
                    rec(fr))
with open("corpus/frame/burst_p0", "wb") as f:
    f.write(bytes([0, 3]) + b"".join(rec(fr) for fr in frames.values()))

os.makedirs("corpus/ring", exist_ok=True)
seeds = {
    # put, push, get, put-rsp, push-rsp, get-rsp, final checks
    "exchange": bytes([0, 0, 0, 1, 2, 2, 2, 3, 3, 3, 4, 5, 5, 5, 6, 7]),
    "fill": bytes([0] * 130 + [1] + [2] * 130),
    "hostile_req": bytes([0, 1, 9]) + struct.pack("<I", 1000) + bytes([2]),
    "hostile_rsp": bytes([0, 1, 2, 3, 10]) + struct.pack("<I", 7) +
    bytes([5]),
    "wrap_reattach": bytes([9]) + struct.pack("<I", 0xFFFFFFF0) +
    bytes([10]) + struct.pack("<I", 0xFFFFFFF0) + bytes([8, 2, 2]),
}
for name, b in seeds.items():
    with open("corpus/ring/" + name, "wb") as f:
        f.write(b)


# netback: ring pages (tx at 0, rx at 4096) then guest page 0
os.makedirs("corpus/netback", exist_ok=True)
page = 4096


def netback_seed(frames, rx_posted):
    tx = bytearray(page)
    rx = bytearray(page)
    struct.pack_into("<IIII", tx, 0, len(frames), 1, 0, 1)
    data = bytearray()
    for i, fr in enumerate(frames):
        struct.pack_into("<IHHHH", tx, 64 + 12 * i, 0, len(data), 0, i,
                         len(fr))
        data += fr
    struct.pack_into("<IIII", rx, 0, rx_posted, 1, 0, 1)
    for i in range(rx_posted):
        struct.pack_into("<HHI", rx, 64 + 8 * i, 100 + i, 0, 1 + i % 3)
    return bytes(tx) + bytes(rx) + bytes(data)


with open("corpus/netback/dhcp_arp", "wb") as f:
    f.write(netback_seed([frames["dhcp_discover"], frames["arp_sw"]], 2))
with open("corpus/netback/udp_no_rx", "wb") as f:
    f.write(netback_seed([frames["udp"]], 0))
