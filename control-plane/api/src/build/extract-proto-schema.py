#!/usr/bin/env python3
"""Writes the protobuf wire schema (message, field number, JSON name, type) of the stable
Kubernetes API groups, as registered (gzipped FileDescriptorProtos) in a kubectl binary.

Usage: extract-proto-schema.py KUBECTL_BINARY > src/main/resources/io/kuark/server/api/protobuf/k8s-proto-schema.tsv

The API server decodes `application/vnd.kubernetes.protobuf` request bodies (kubectl >= 1.32
sends them for typed clients) with this table. Only stable (v1/v2) packages are kept."""
import re
import sys
import zlib

TYPES = {1: 'double', 2: 'float', 3: 'int64', 4: 'uint64', 5: 'int32', 8: 'bool', 9: 'string',
         11: 'message', 12: 'bytes', 13: 'uint32', 14: 'enum', 17: 'sint32', 18: 'sint64'}


def varint(buf, i):
    shift = value = 0
    while True:
        b = buf[i]
        i += 1
        value |= (b & 0x7F) << shift
        shift += 7
        if b < 0x80:
            return value, i


def fields(buf):
    i = 0
    while i < len(buf):
        key, i = varint(buf, i)
        number, wire = key >> 3, key & 7
        if wire == 0:
            value, i = varint(buf, i)
        elif wire == 2:
            n, i = varint(buf, i)
            value = buf[i:i + n]
            i += n
        elif wire == 1:
            value = buf[i:i + 8]
            i += 8
        elif wire == 5:
            value = buf[i:i + 4]
            i += 4
        else:
            raise ValueError('wire type %d' % wire)
        yield number, value


def message(package, prefix, buf, out):
    name = None
    entries = []
    nested = []
    is_map = False
    for number, value in fields(buf):
        if number == 1:
            name = value.decode()
        elif number == 2:
            entries.append(value)
        elif number == 3:
            nested.append(value)
        elif number == 7:
            for n, v in fields(value):
                if n == 7 and v == 1:
                    is_map = True
    full = prefix + '.' + name
    for e in nested:
        message(package, full, e, out)
    for e in entries:
        f = dict(fields(e))
        ftype = TYPES.get(f.get(5), 'unknown')
        type_name = f.get(6, b'').decode().lstrip('.')
        label = 'repeated' if f.get(4) == 3 else 'optional'
        json_name = f.get(10, f.get(1)).decode()
        out.append('\t'.join([full, str(f[3]), json_name, ftype, type_name or '-',
                              'r' if label == 'repeated' else '-']))


def main():
    data = open(sys.argv[1], 'rb').read()
    wanted = re.compile(r'^k8s\.io/(api/[a-z0-9]+/v[12]|apimachinery/pkg/(apis/meta/v1|runtime|api/resource|util/intstr))/generated\.proto$')
    seen = set()
    rows = []
    for m in re.finditer(b'\x1f\x8b\x08\x00\x00\x00\x00\x00', data):
        try:
            out = zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(data[m.start():m.start() + 500000])
        except zlib.error:
            continue
        try:
            top = list(fields(out))
        except (ValueError, IndexError):
            continue
        names = [v for n, v in top if n == 1]
        if not names:
            continue
        fname = names[0].decode(errors='replace')
        if not wanted.match(fname) or fname in seen:
            continue
        seen.add(fname)
        package = [v for n, v in top if n == 2][0].decode()
        for n, v in top:
            if n == 4:
                message(package, package, v, rows)
    print('# Kubernetes protobuf wire schema of the stable API groups, extracted by src/build/extract-proto-schema.py')
    print('# from the descriptors a kubectl binary registers. Columns: message, field number, JSON name, type,')
    print('# message type (or -), repeated (r) or optional (-).')
    for r in sorted(rows):
        print(r)


main()
