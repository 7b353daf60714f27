"""Prints the first sheet of an XLSX workbook as JSON rows read by openpyxl (PyPI): each row a
list of cell values as text ("" for an empty cell), trailing empty cells left out.
Usage: python3 read_xlsx.py book.xlsx"""
import json
import sys

import openpyxl

workbook = openpyxl.load_workbook(sys.argv[1])
sheet = workbook.worksheets[0]
rows = []
for row in sheet.iter_rows(values_only=True):
    cells = ["" if v is None else str(v) for v in row]
    while cells and cells[-1] == "":
        cells.pop()
    rows.append(cells)
print(json.dumps({"title": sheet.title, "rows": rows}, ensure_ascii=False))
