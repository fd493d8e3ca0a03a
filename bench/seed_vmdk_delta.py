#!/usr/bin/env python3
"""seed_vmdk_delta.py - PORT OF THE SEED SCRIPT, FOR BENCHMARKS ONLY. Do not use it on real disks.

This is the original vmdk_delta.py (Python 2, ../shared/seed/vmdk_delta.txt), ported to
Python 3 so that bench/run.sh can time the seed's algorithm next to vmdk-delta and qemu-img.
The algorithm is the seed's, hazards included: it renames before it creates, can overwrite
an existing <name>-000000.vmdk, follows parent hints without cycle or path checks, ignores
CIDs and VMware locks, copies the parent's whole metadata area (overHead sectors) into the
child and then writes the child's redundant and primary grain tables as explicit zeros
(a 1 TiB disk -> 128 MiB of grain tables written twice over), and never fsyncs.

Changes from the seed, and only these:
  - Python 3: print(), bytes instead of str for file contents (the descriptor is decoded and
    encoded as ISO-8859-1, which keeps Python 2's byte-string behaviour), integer division
    where Python 2 divided ints, codecs.escape_decode / unicode_escape in place of the
    'string_escape' codec, which Python 3 does not have.
  - The header is read with an explicit little-endian struct format ('<' with I/Q/B/H widths)
    instead of ctypes. The seed declared uint32 as c_ulong, which is 8 bytes on 64-bit Linux,
    so its header layout is wrong there (it only worked where c_ulong is 4 bytes, as on
    Windows); the explicit format gives the layout the seed meant.
  - Files are closed (with-blocks) so the timing includes the final flush to the page cache,
    as the Python 2 script's exit did.
"""
import codecs
import os
import random
import struct
import sys

# SparseExtentHeader, 512 bytes, little-endian (see docs in the seed and the VMDK spec):
# magicNumber, version, flags (uint32); capacity, grainSize, descriptorOffset,
# descriptorSize (SectorType = uint64); numGTEsPerGT (uint32); rgdOffset, gdOffset,
# overHead (uint64); uncleanShutdown (uint8); four line-end check chars; compressAlgorithm
# (uint16); pad (433 bytes).
HEADER = struct.Struct('<IIIQQQQIQQQB4sH433s')
assert HEADER.size == 512
FIELDS = ('magicNumber', 'version', 'flags', 'capacity', 'grainSize',
          'descriptorOffset', 'descriptorSize', 'numGTEsPerGT', 'rgdOffset',
          'gdOffset', 'overHead', 'uncleanShutdown', 'lineEndChars',
          'compressAlgorithm', 'pad')


class SparseExtentHeader(object):
    def __init__(self, data):
        for name, value in zip(FIELDS, HEADER.unpack(data)):
            setattr(self, name, value)


def string_escape(name):
    """What Python 2's name.encode('string_escape') gave for the file names used here."""
    return name.encode('unicode_escape').decode('latin-1').replace("'", "\\'")


def getinfo(path):
    with open(path, 'rb') as fp:
        hdr = SparseExtentHeader(fp.read(HEADER.size))
        assert hdr.magicNumber == 0x564d444b
        assert hdr.version == 1

        fp.seek(hdr.descriptorOffset * 512)
        lines = fp.read(hdr.descriptorSize * 512).split(b'\0', 1)[0].decode('latin-1')
        descriptor = {}; section = ''
        for line in lines.splitlines():
            line = line.strip()
            if line.startswith('# '):
                section = line[1:].strip()
            elif line:
                descriptor.setdefault(section, []).append(line)
        for section in ('Disk DescriptorFile', 'The Disk Data Base'):
            d = {}
            for line in descriptor[section]:
                if line.startswith('#'): continue
                k, v = line.split('=', 1)
                k = k.strip(); v = v.strip()
                d[k] = v
            descriptor[section] = d

        fp.seek(hdr.rgdOffset * 512)
        rgt0 = struct.unpack('<L', fp.read(4))[0] # Redundant grain table #0
        fp.seek(hdr.rgdOffset * 512)
        rgd = []
        while fp.tell() < rgt0 * 512:
            rgd.append(struct.unpack('<L', fp.read(4))[0])

        fp.seek(hdr.gdOffset * 512)
        gt0 = struct.unpack('<L', fp.read(4))[0] # Grain table #0
        fp.seek(hdr.gdOffset * 512)
        gd = []
        while fp.tell() < gt0 * 512:
            gd.append(struct.unpack('<L', fp.read(4))[0])

        fp.seek(0)
        overhead = fp.read(hdr.overHead * 512)

    return type('SparseExtent', (), {
        'header': hdr,
        'descriptor': descriptor,
        'rgd': rgd,
        'gd': gd,
        'overhead': overhead,
        })


def mkchild(parentPath, childName):
    """only supported monolithicSparse"""
    e = getinfo(parentPath)
    assert e.header.descriptorOffset > 0
    assert not e.header.uncleanShutdown

    with open(os.path.join(os.path.dirname(parentPath), childName), 'wb') as fp:
        def write(text):
            fp.write(text.encode('latin-1') if isinstance(text, str) else text)

        write(e.overhead)
        fp.seek(e.header.descriptorOffset * 512)
        write(b'\0' * e.header.descriptorSize * 512)
        fp.seek(e.header.descriptorOffset * 512)

        write('# Disk DescriptorFile\n')
        items = (
            ('version', e.descriptor['Disk DescriptorFile']['version']),
            ('CID', '%.8x' % random.randint(0, 0xffffffff)),
            ('parentCID', e.descriptor['Disk DescriptorFile']['CID']),
            ('createType', e.descriptor['Disk DescriptorFile']['createType']),
            ('parentFileNameHint',
             '"%s"' % string_escape(os.path.basename(parentPath))),
            )
        for i in items: write('%s=%s\n' % i)
        write('\n')

        write('# Extent description\n')
        write('RW %d SPARSE "%s"\n' % (
            e.header.capacity,
            string_escape(os.path.basename(childName)), ))
        write('\n')

        write('# The Disk Data Base\n')
        write('#DDB\n')
        write('\n')

        fp.seek(e.rgd[0] * 512)
        write(b'\0' * (e.header.gdOffset - e.rgd[0]) * 512)

        fp.seek(e.gd[0] * 512)
        write(b'\0' * (e.header.overHead - e.gd[0]) * 512)


def usage():
    print('Usage to make delta: %s make vmdk-path' % sys.argv[0])
    print('Usage to delete delta: %s delete vmdk-path' % sys.argv[0])
    raise SystemExit(-1)


if __name__ == '__main__':
    try:
        action = sys.argv[1]
        path = sys.argv[2]
    except LookupError:
        usage()

    ancestors = [path]
    while 1:
        e = getinfo(ancestors[0])
        if 'parentFileNameHint' not in e.descriptor['Disk DescriptorFile']:
            break
        basename = e.descriptor['Disk DescriptorFile']['parentFileNameHint']
        basename = codecs.escape_decode(basename[1:-1].encode('latin-1'))[0].decode('latin-1')
        ancestors.insert(
            0, os.path.join(os.path.dirname(path), basename))

    if action == 'make':
        i = os.path.splitext(ancestors[-1])
        ancestors[-1] = '%s-%.6d%s' % (i[0], len(ancestors) - 1, i[1])
        os.rename(path, ancestors[-1])
        mkchild(ancestors[-1], os.path.basename(path))
    elif action == 'delete':
        if len(ancestors) < 2:
            raise Exception('%r is not disk delta file.' % path)
        os.unlink(path)
        os.rename(ancestors[-2], path)
    else:
        usage()
