#!/usr/bin/env python3
"""An AFL++ dictionary for JSON inputs, made from the seed corpus: every property name the seeds use and the short
string values they hold (codes, systems, statuses), each as a quoted JSON token, plus JSON's own punctuation and
literals. With it the fuzzer splices whole names and codes instead of finding them a byte at a time.

usage: dictionary.py CORPUS_DIR > FILE.dict"""
import json
import os
import sys

tokens = set()


def walk(node):
    if isinstance(node, dict):
        for name, value in node.items():
            tokens.add(json.dumps(name))
            walk(value)
    elif isinstance(node, list):
        for value in node:
            walk(value)
    elif isinstance(node, str) and 0 < len(node) <= 64:
        tokens.add(json.dumps(node))


for entry in sorted(os.listdir(sys.argv[1])):
    try:
        with open(os.path.join(sys.argv[1], entry), encoding="utf-8") as seed:
            walk(json.load(seed))
    except (ValueError, UnicodeDecodeError):
        continue  # not JSON (an 837 file): nothing to take

tokens.update(['{', '}', '[', ']', ':', ',', 'true', 'false', 'null', '0', '-1', '1e308', '""', '"\\u0000"', '"\\ud800"'])
# AFL++ refuses a keyword over 128 bytes.
for n, token in enumerate(sorted(t for t in tokens if len(t.encode("utf-8")) <= 128)):
    # AFL++'s dictionary syntax: name="value", with \\ and \" escaped and bytes outside printable ASCII as \xNN.
    escaped = "".join(
        "\\\\" if c == "\\" else '\\"' if c == '"' else c if 32 <= ord(c) < 127 else "".join(f"\\x{b:02x}" for b in c.encode("utf-8"))
        for c in token)
    print(f'token_{n}="{escaped}"')
