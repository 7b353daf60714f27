#!/usr/bin/env python3
"""Prints the text a reader sees in an ODT (content.xml) or an HTML document, with Python's
standard library only: paragraphs and table cells on lines of their own, ODF line breaks as
newlines, tabs and runs of spaces as written. Used by the tests as an outside reader.

usage: visible-text.py FILE.odt|FILE.html
"""
import sys, zipfile
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
BLOCKS = {f"{{{TEXT}}}p", f"{{{TEXT}}}h", f"{{{TABLE}}}table-cell"}


def odt_text(path):
    root = ET.fromstring(zipfile.ZipFile(path).read("content.xml"))
    out = []

    def walk(el):
        tag = el.tag
        if tag == f"{{{TEXT}}}line-break":
            out.append("\n")
        elif tag == f"{{{TEXT}}}tab":
            out.append("\t")
        elif tag == f"{{{TEXT}}}s":
            out.append(" " * int(el.get(f"{{{TEXT}}}c", "1")))
        else:
            if el.text:
                out.append(el.text)
            for child in el:
                walk(child)
                if child.tail:
                    out.append(child.tail)
            if tag in BLOCKS:
                out.append("\n")
            return
        # line-break, tab and s carry no text of their own; their tail is added by the parent

    walk(root)
    return "".join(out)


class Text(HTMLParser):
    BLOCK = {"p", "div", "td", "th", "li", "h1", "h2", "h3", "h4", "dt", "dd", "tr", "br", "section", "pre"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.out, self.skip = [], 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "head", "title"):
            self.skip += 1
        if tag == "br":
            self.out.append("\n")

    def handle_endtag(self, tag):
        if tag in ("script", "style", "head", "title"):
            self.skip -= 1
        elif tag in self.BLOCK:
            self.out.append("\n")

    def handle_data(self, data):
        if not self.skip:
            self.out.append(data)


def html_text(path):
    p = Text()
    p.feed(open(path, encoding="utf-8").read())
    return "".join(p.out)


path = sys.argv[1]
sys.stdout.write(odt_text(path) if path.endswith(".odt") else html_text(path))
