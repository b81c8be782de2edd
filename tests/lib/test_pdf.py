import http.server
import io
import threading
from typing import Any

import pypdf

from backend.lib.pdf import render_pdf
from backend.lib.qr import qr_svg_data_uri


def test_pdf_renders_text_and_never_fetches_remote_urls() -> None:
    hits: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            hits.append(self.path)
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        remote = f"http://127.0.0.1:{server.server_port}/tracker.png"
        pdf = render_pdf(
            "lib/pdf_probe.html",
            {"title": "Certificado", "qr": qr_svg_data_uri("x"), "remote": remote},
        )
    finally:
        server.shutdown()
    assert pdf.startswith(b"%PDF")
    text = pypdf.PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert "Certificado" in text
    assert hits == []  # the local server was never asked for anything
