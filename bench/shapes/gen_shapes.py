#!/usr/bin/env python3
"""Generate Figma file responses of extreme shapes (issue 20): `deep` (a chain of N
frames, each the only child of the one above) and `wide` (N rectangles, all children
of one frame). Python 3 stdlib only; streamed, so memory stays small for any N.

  python3 gen_shapes.py deep 100000 --out deep-100k.json
  python3 gen_shapes.py wide 1000000 --out wide-1m.json

Deep nodes are ~60 bytes of JSON each (100k levels ~6 MB), wide ones ~170 bytes
(1M children ~170 MB): the sizes of the files issue 20 reports.
"""
import argparse
import sys

HEAD = ('{"name":"%s","lastModified":"2026-01-01T00:00:00Z","version":"1","schemaVersion":0,'
        '"document":{"id":"0:0","name":"Document","type":"DOCUMENT","children":'
        '[{"id":"0:1","name":"Page 1","type":"CANVAS","children":[')
TAIL = ']}]},"components":{},"componentSets":{},"styles":{}}\n'


def deep(n, out):
    out.write(HEAD % "deep")
    # Open n frames, then close them all: the chain is written without recursion.
    for level in range(n):
        if level:
            out.write('"children":[')
        out.write('{"id":"1:%d","name":"Frame %d","type":"FRAME",' % (level, level))
    out.write('"children":[]')
    out.write("}]" * (n - 1) + "}")
    out.write(TAIL)


def wide(n, out):
    out.write(HEAD % "wide")
    out.write('{"id":"1:0","name":"Board","type":"FRAME",'
              '"absoluteBoundingBox":{"x":0,"y":0,"width":100000,"height":100000},"children":[')
    for i in range(n):
        if i:
            out.write(",")
        out.write('{"id":"2:%d","name":"Rect %d","type":"RECTANGLE",'
                  '"absoluteBoundingBox":{"x":%d,"y":%d,"width":10,"height":10},'
                  '"fills":[{"type":"SOLID","color":{"r":1,"g":0,"b":0,"a":1}}]}'
                  % (i, i, (i % 1000) * 10, (i // 1000) * 10))
    out.write("]}")
    out.write(TAIL)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("shape", choices=["deep", "wide"])
    parser.add_argument("nodes", type=int, help="levels (deep) or children (wide)")
    parser.add_argument("--out", help="output file (default: standard output)")
    args = parser.parse_args()
    if args.nodes < 1:
        parser.error("nodes must be at least 1")
    out = open(args.out, "w", buffering=1 << 20) if args.out else sys.stdout
    with out:
        (deep if args.shape == "deep" else wide)(args.nodes, out)


if __name__ == "__main__":
    main()
