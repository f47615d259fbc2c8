#!/usr/bin/env python3
"""Reads a Manhattan or QQ plot SVG written by gwas report --plots, for the tests.

Usage: svg_plot_check.py FILE.svg
Parses the file as XML (a parse error fails), maps the y coordinate back to data units with the y-axis tick labels
(text elements with text-anchor "end" whose content is a number) and prints one JSON object: "title", "points"
(the number of circle elements), "max" (the largest circle value in data units), "threshold" (the value of the
line of class genome-wide, or null) and "labels" (every text element's content).
"""
import json
import sys
import xml.etree.ElementTree as ET

NS = "{http://www.w3.org/2000/svg}"


def main():
    root = ET.parse(sys.argv[1]).getroot()
    assert root.tag == NS + "svg", root.tag
    texts = list(root.iter(NS + "text"))
    ticks = []
    for t in texts:
        if t.get("text-anchor") == "end" and (t.text or "").strip().isdigit():
            ticks.append((float(t.get("y")) - 4, float(t.text)))  # the label sits 4 px below its tick
    (y0, v0), (y1, v1) = ticks[0], ticks[-1]
    def value(y):
        return v0 + (float(y) - y0) * (v1 - v0) / (y1 - y0)
    circles = list(root.iter(NS + "circle"))
    line = [l for l in root.iter(NS + "line") if l.get("class") == "genome-wide"]
    json.dump({
        "title": root.find(NS + "title").text,
        "points": len(circles),
        "max": max(value(c.get("cy")) for c in circles) if circles else None,
        "threshold": value(line[0].get("y1")) if line else None,
        "labels": [t.text for t in texts],
    }, sys.stdout)


if __name__ == "__main__":
    main()
