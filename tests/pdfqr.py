"""Find the QR codes printed in a PDF: pypdfium2 renders the pages, zxing-cpp decodes them."""

from __future__ import annotations

import pypdfium2 as pdfium
import zxingcpp


def qr_texts(pdf: bytes, dpi: int = 150) -> list[str]:
    """Rasterise every page at `dpi` and return the text of each QR code found, page by page."""
    document = pdfium.PdfDocument(pdf)
    texts: list[str] = []
    try:
        for index in range(len(document)):
            page = document[index]
            try:
                image = page.render(scale=dpi / 72).to_pil()
            finally:
                page.close()
            found = zxingcpp.read_barcodes(image)
            texts += [r.text for r in found if r.format == zxingcpp.BarcodeFormat.QRCode]
    finally:
        document.close()
    return texts
