"""Measurements of what a browser drew, for the layout tests: text boxes that overlap, and how
wide the document is against the viewport."""
from __future__ import annotations

# Every visible text node's boxes (a wrapped line is one box each), in page coordinates; then the
# pairs of boxes from different text nodes that overlap by more than a sliver.
_OVERLAPS = """(selector) => {
    const root = document.querySelector(selector);
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    const boxes = [];
    let index = 0;
    for (let node = walker.nextNode(); node; node = walker.nextNode(), index++) {
        const text = node.textContent.trim();
        if (!text) continue;
        const style = getComputedStyle(node.parentElement);
        if (style.visibility === 'hidden' || style.opacity === '0') continue;
        const range = document.createRange();
        range.selectNodeContents(node);
        for (const r of range.getClientRects()) {
            if (r.width > 1 && r.height > 1) boxes.push({node: index, text, l: r.left, r: r.right, t: r.top, b: r.bottom});
        }
    }
    const pairs = [];
    for (let i = 0; i < boxes.length; i++) {
        for (let j = i + 1; j < boxes.length; j++) {
            const a = boxes[i], b = boxes[j];
            if (a.node === b.node) continue;  // the lines of one wrapped text may touch
            const w = Math.min(a.r, b.r) - Math.max(a.l, b.l), h = Math.min(a.b, b.b) - Math.max(a.t, b.t);
            if (w > 2 && h > 2) pairs.push([a.text.slice(0, 30), b.text.slice(0, 30)]);
        }
    }
    return pairs;
}"""


def overlapping_text(page, selector: str = '[data-testid="stMain"]') -> list[list[str]]:
    """Pairs of text (first 30 characters each) whose boxes overlap under `selector`."""
    return page.evaluate(_OVERLAPS, selector)


def document_width(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth")
