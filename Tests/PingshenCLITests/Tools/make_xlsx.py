"""Writes rows (a JSON list of lists) into the first sheet of a new XLSX workbook with openpyxl.
A cell written as "date:YYYY-MM-DD" becomes a real date cell (stored as a serial number).
Usage: python3 make_xlsx.py rows.json out.xlsx"""
import datetime
import json
import sys

import openpyxl

rows = json.load(open(sys.argv[1], encoding="utf-8"))
workbook = openpyxl.Workbook()
sheet = workbook.active
sheet.title = "专家库"
for row in rows:
    sheet.append([
        datetime.date.fromisoformat(v[5:]) if isinstance(v, str) and v.startswith("date:") else v for v in row
    ])
workbook.save(sys.argv[2])
